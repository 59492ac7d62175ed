using Hangfire;

namespace BulletinMail.Features.Intake;

/// <summary>
/// The Hangfire job that polls the mailbox on the schedule (and once at start). In this process it
/// waits for a poll IMAP IDLE started (<see cref="SerialPoller"/>); Hangfire may still run it twice,
/// or in two processes at once: the poller's keys make that harmless, and the lock only saves
/// work. A failed poll is not retried by Hangfire: the next poll is the retry.
/// </summary>
public sealed class PollMailboxJob(SerialPoller poller)
{
    public const string RecurringId = "poll-mailbox";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken) => await poller.PollAsync(cancellationToken);
}
