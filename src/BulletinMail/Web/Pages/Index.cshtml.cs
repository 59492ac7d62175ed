using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Platform;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace BulletinMail.Web.Pages;

/// <summary>
/// The landing page: what is waiting for the editors — entries to review by period, held and
/// quarantined mail, the units that have not reported, and the next scheduled send (issue 12).
/// </summary>
public sealed class IndexModel(WorkWaiting work, UnitBoard board, IssueStore issues, DisplayFormat format, IOptions<DigestOptions> digest, TimeProvider time) : PageModel
{
    public WaitingWork Waiting { get; private set; } = new([], 0, 0);

    /// <summary>The period the queue opens on: the oldest with work, else the one editors most likely work on.</summary>
    public string Focus { get; private set; } = string.Empty;

    public IReadOnlyList<UnitBoardRow> NotReported { get; private set; } = [];

    public int UnitCount { get; private set; }

    /// <summary>When the schedule next sends, in its time zone, and the period it sends.</summary>
    public (DateTimeOffset At, string Zone, string Period)? NextSend { get; private set; }

    /// <summary>The state of the issue the next send would send; null when it is not compiled yet.</summary>
    public string? NextSendState { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Waiting = await work.LoadAsync(cancellationToken);
        Focus = Waiting.Periods.Count > 0 ? Waiting.Periods[0].Period : format.PeriodOrDefault(null).ToString();
        var (_, rows) = await board.LoadAsync(Period.Parse(Focus), cancellationToken);
        NotReported = [.. rows.Where(r => !r.Reported)];
        UnitCount = rows.Count;

        var schedule = digest.Value.Schedule;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        if (Crons.Parse(schedule.SendCron).GetNextOccurrence(time.GetUtcNow(), zone) is { } next)
        {
            // The schedule sends the month before the one it runs in (DigestSchedule).
            var local = TimeZoneInfo.ConvertTime(next, zone);
            var period = new Period(local.Year, local.Month).AddMonths(-1).ToString();
            NextSend = (local, schedule.TimeZone, period);
            NextSendState = (await issues.GetAsync(period, cancellationToken))?.State;
        }
    }
}
