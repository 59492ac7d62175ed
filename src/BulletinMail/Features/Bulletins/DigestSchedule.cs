using BulletinMail.Data;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Mail;
using BulletinMail.Platform;
using Dapper;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Features.Bulletins;

/// <summary>
/// The monthly schedule: reminders to units that have not reported (the 25th), the draft
/// compiled and the editors told (the 3rd of the next month), and sending (the 5th) if the issue
/// is approved, or with <c>AutoSend</c>. Run by a frequent tick, it looks for each task's latest
/// due time (cron, in the configured time zone) and runs a task once per period, recorded in
/// <c>schedule_runs</c>: a schedule missed while the worker was down runs once when it returns,
/// and two ticks at once do nothing twice (each task is idempotent on its own as well).
/// </summary>
public sealed partial class DigestSchedule(
    DbConnectionFactory connections,
    UnitBoard board,
    Reminders reminders,
    DigestWorkflow workflow,
    IssueStore issues,
    BulletinSender sender,
    SubscriberStore subscribers,
    PublicLinks links,
    OutgoingMail outgoing,
    IOptions<DigestOptions> options,
    IOptions<SubscriberOptions> subscriberOptions,
    IOptions<OutboundOptions> outbound,
    TimeProvider time,
    ILogger<DigestSchedule> logger)
{
    public const string RemindTask = "remind";
    public const string DraftTask = "draft";
    public const string SendTask = "send";

    // A missed schedule is caught up if it fell due within this long; older ones are history.
    private static readonly TimeSpan CatchUpWindow = TimeSpan.FromDays(27);

    /// <summary>Runs what is due and has not run for its period.</summary>
    /// <returns>The tasks run now, as "task period: outcome".</returns>
    public async Task<IReadOnlyList<string>> RunDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Schedule;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var done = new List<string>();
        var since = await FirstTickAsync(cancellationToken);
        foreach (var (task, cron, monthsBack) in ((string, string, int)[])[(RemindTask, settings.ReminderCron, 0), (DraftTask, settings.DraftCron, 1), (SendTask, settings.SendCron, 1)])
        {
            if (LatestDue(cron, zone, since) is not { } due)
            {
                continue;
            }

            var local = TimeZoneInfo.ConvertTime(due, zone);
            var period = new Period(local.Year, local.Month).AddMonths(-monthsBack);
            if (await HasRunAsync(task, period, cancellationToken))
            {
                continue;
            }

            var outcome = task switch
            {
                RemindTask => await RemindAsync(period, cancellationToken),
                DraftTask => await DraftAsync(period, cancellationToken),
                _ => await SendAsync(period, cancellationToken),
            };
            if (outcome is null)
            {
                continue; // not finished (a send waiting for retries): the next tick looks again
            }

            await RecordAsync(task, period, outcome, cancellationToken);
            var line = $"{task} {period}: {outcome}";
            LogRan(line);
            done.Add(line);
        }

        return done;
    }

    // The latest time the task fell due since the schedule first ran here (a fresh install fires nothing from before it).
    private DateTimeOffset? LatestDue(string cron, TimeZoneInfo zone, DateTimeOffset since)
    {
        var now = time.GetUtcNow();
        var from = now - CatchUpWindow > since ? now - CatchUpWindow : since;
        var expression = Crons.Parse(cron);
        return expression.GetOccurrences(from, now, zone, fromInclusive: true, toInclusive: true).Select(o => (DateTimeOffset?)o).LastOrDefault();
    }

    private async Task<DateTimeOffset> FirstTickAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schedule_runs (task, period, ran_at, outcome) VALUES ('first-tick', '-', @now, 'the schedule started') ON CONFLICT (task, period) DO NOTHING",
            new { now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<DateTimeOffset>(new CommandDefinition(
            "SELECT ran_at FROM schedule_runs WHERE task = 'first-tick'", cancellationToken: cancellationToken));
    }

    private async Task<string> RemindAsync(Period period, CancellationToken cancellationToken)
    {
        var (_, rows) = await board.LoadAsync(period, cancellationToken);
        var sent = 0;
        foreach (var row in rows.Where(r => !r.Reported))
        {
            if (await reminders.SendScheduledAsync(row.Unit, period, cancellationToken))
            {
                sent++;
            }
        }

        return $"{sent} reminders";
    }

    private async Task<string> DraftAsync(Period period, CancellationToken cancellationToken)
    {
        var existing = await issues.GetAsync(period.ToString(), cancellationToken);
        if (existing is { Frozen: true } or { State: IssueState.Approved })
        {
            return $"issue {existing.Number} is already {existing.State}";
        }

        if ((await workflow.CompileAsync(period, "schedule", allowEmpty: false, cancellationToken))?.Issue is not { } issue)
        {
            return "no approved entries: no draft";
        }

        if (options.Value.EditorsAddress is { Length: > 0 } editors)
        {
            var notice = new MimeMessage
            {
                Subject = $"第{issue.Number}期草稿已生成 / Draft of issue {issue.Number} ({period}) is ready",
                MessageId = $"draft.{issue.Id}.{period}@{outbound.Value.Domain}",
                Date = time.GetUtcNow(),
                Body = new TextPart("plain")
                {
                    Text = $"""
                        {subscriberOptions.Value.Title} 第{issue.Number}期({period})草稿已生成,共 {issue.EntryCount} 条。请审阅、预览并批准:
                        {links.Root}/digest?period={period}

                        The draft of issue {issue.Number} ({period}, {issue.EntryCount} entries) is ready to review and approve at the address above.
                        """,
                },
            };
            notice.From.Add(MailboxAddress.Parse(outbound.Value.From));
            notice.To.AddRange(InternetAddressList.Parse(editors));
            await outgoing.EnqueueAsync(notice, "draft-notice", cancellationToken);
        }

        return $"draft of issue {issue.Number}, {issue.EntryCount} entries";
    }

    private async Task<string?> SendAsync(Period period, CancellationToken cancellationToken)
    {
        var issue = await issues.GetAsync(period.ToString(), cancellationToken);
        if (issue is null || (issue.State == IssueState.Draft && !options.Value.AutoSend))
        {
            // Not approved in time: it waits for an editor, who sends it from the digest page or the shell.
            return issue is null ? "no issue compiled: not sent" : $"issue {issue.Number} not approved: not sent";
        }

        // Issue 15 item 11: a list that grew a lot since the last issue is sent by an editor who confirmed its count, never by the calendar.
        var audience = await subscribers.AudienceAsync(cancellationToken);
        if (issue.State is IssueState.Draft or IssueState.Approved && audience.Grew(options.Value.SendConfirmGrowthPercent, options.Value.SendConfirmGrowthMinimum))
        {
            return $"issue {issue.Number} not sent: the active subscribers grew from {audience.LastSent} to {audience.Active} since the last issue; an editor confirms the count on the bulletin page";
        }

        var report = await sender.SendAsync(period.ToString(), "schedule", null, cancellationToken);
        return report.Outcome switch
        {
            SendOutcome.Completed or SendOutcome.AlreadySent => $"sent: {report.Counts.Sent} delivered, {report.Counts.Failed} failed",
            SendOutcome.NotReady => $"not sent: {report.Detail}",
            SendOutcome.Paused => $"paused: {report.Detail}",
            _ => null, // retries pending, or another worker sending: look again at the next tick
        };
    }

    private async Task<bool> HasRunAsync(string task, Period period, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM schedule_runs WHERE task = @task AND period = @period", new { task, period = period.ToString() }, cancellationToken: cancellationToken)) > 0;
    }

    private async Task RecordAsync(string task, Period period, string outcome, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schedule_runs (task, period, ran_at, outcome) VALUES (@task, @period, @now, @outcome) ON CONFLICT (task, period) DO NOTHING",
            new { task, period = period.ToString(), now = time.GetUtcNow(), outcome },
            cancellationToken: cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule: {Run}")]
    private partial void LogRan(string run);
}
