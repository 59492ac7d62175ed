using Hangfire;

namespace BulletinMail.Features.Intake;

/// <summary>
/// The Hangfire job that polls the mailbox on the schedule (and once at start). It goes through
/// <see cref="SerialPoller"/>: in this process it waits for a poll IMAP IDLE started; on a worker
/// while another holds the mailbox's lease it does nothing. (No <c>DisableConcurrentExecution</c>:
/// its lock in Hangfire's storage outlives a killed worker for minutes and would hold the other
/// workers' polls, and Hangfire's two workers, behind it; the lease expires in seconds.) A failed
/// poll is not retried by Hangfire: the next poll is the retry.
/// </summary>
public sealed class PollMailboxJob(SerialPoller poller)
{
    public const string RecurringId = "poll-mailbox";

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken) => await poller.PollAsync(cancellationToken);
}
