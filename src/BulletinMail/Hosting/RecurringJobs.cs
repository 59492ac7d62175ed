using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BulletinMail.Hosting;

/// <summary>
/// Registers the recurring jobs with their cron and explicit time zone (re-registering at every
/// start is idempotent) and triggers the poll once at start.
/// </summary>
internal sealed class RecurringJobs(IRecurringJobManager jobs, IBackgroundJobClient backgroundJobs, IOptions<IntakeOptions> intake, IOptions<DigestOptions> digest) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(intake.Value.TimeZone);
        jobs.AddOrUpdate<PollMailboxJob>(
            PollMailboxJob.RecurringId,
            job => job.RunAsync(CancellationToken.None),
            intake.Value.PollCron,
            new RecurringJobOptions { TimeZone = zone });

        // The bulletin's schedule ticks every five minutes; what is due runs once (DigestSchedule).
        jobs.AddOrUpdate<DigestJobs>(
            DigestJobs.TickId,
            job => job.TickAsync(CancellationToken.None),
            "*/5 * * * *",
            new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(digest.Value.Schedule.TimeZone) });
        backgroundJobs.Enqueue<DigestJobs>(job => job.TickAsync(CancellationToken.None));

        // Poll once at start: mail that came while the worker was down need not wait for the schedule.
        backgroundJobs.Enqueue<PollMailboxJob>(job => job.RunAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
