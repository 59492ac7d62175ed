using Hangfire;

namespace BulletinMail.Features.Digest;

/// <summary>
/// The Hangfire jobs of the bulletin. Each is idempotent on its own (the state, the
/// sender's lease, the schedule's ledger), so Hangfire running one twice does nothing twice.
/// </summary>
public sealed class DigestJobs(DigestSchedule schedule, BulletinSender sender, IBackgroundJobClient jobs)
{
    public const string TickId = "digest-schedule";

    /// <summary>The schedule's tick (every few minutes): runs reminders, draft and send when due.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task TickAsync(CancellationToken cancellationToken) => schedule.RunDueAsync(cancellationToken);

    /// <summary>Sends (or resumes sending) an issue; while 4xx retries wait, it schedules itself for the next one.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task SendAsync(string period, string actor, CancellationToken cancellationToken)
    {
        var report = await sender.SendAsync(period, actor, null, cancellationToken);
        if (report.Outcome == SendOutcome.RetriesPending && report.NextRetry is { } next)
        {
            jobs.Schedule<DigestJobs>(job => job.SendAsync(period, actor, CancellationToken.None), next);
        }
    }
}
