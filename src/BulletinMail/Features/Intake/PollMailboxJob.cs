using Hangfire;

namespace BulletinMail.Features.Intake;

/// <summary>
/// The Hangfire job that polls the mailbox. Hangfire may run it twice, or two at once (the
/// schedule and an IDLE trigger): the poller's keys make that harmless, and the lock only saves
/// work. A failed poll is not retried by Hangfire: the next poll is the retry.
/// </summary>
public sealed class PollMailboxJob(IngestPoller poller)
{
    public const string RecurringId = "poll-mailbox";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken) => await poller.PollAsync(null, cancellationToken);
}
