using Hangfire;

namespace BulletinMail.Features.Bulletins;

/// <summary>
/// The Hangfire jobs of the bulletin. Each is idempotent on its own (the issue's state, the
/// sender's lease, the schedule's ledger), so Hangfire running one twice does nothing twice.
/// </summary>
public sealed class DigestJobs(DigestSchedule schedule, BulletinSender sender, IssueStore issues, IBackgroundJobClient jobs)
{
    public const string TickId = "digest-schedule";

    /// <summary>
    /// The schedule's tick (every few minutes, and once at start): runs reminders, draft and send
    /// when due, and resumes every send left unfinished.
    /// </summary>
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await schedule.RunDueAsync(cancellationToken);

        // A worker that died while sending leaves its issue in 'sending', and Hangfire hands its job
        // to another worker only after the job's invisibility timeout (30 minutes). Resuming here
        // costs nothing when the sender lives: its lease makes the resume return at once.
        foreach (var period in await issues.ListSendingAsync(cancellationToken))
        {
            jobs.Enqueue<DigestJobs>(job => job.ResumeAsync(period, CancellationToken.None));
        }
    }

    /// <summary>One run of an unfinished send; unlike <see cref="SendAsync"/> it schedules nothing (the next tick looks again).</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task ResumeAsync(string period, CancellationToken cancellationToken) => sender.SendAsync(period, "resume", null, cancellationToken);

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
