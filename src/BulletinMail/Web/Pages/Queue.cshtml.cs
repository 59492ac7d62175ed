using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Units;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace BulletinMail.Web.Pages;

/// <summary>
/// The review queue of a period. Every action is a POST (antiforgery-checked) that redirects
/// back to the same view, at the entry acted on.
/// </summary>
public sealed class QueueModel(ReviewQueueLoader queue, EntryStore entries, WorkWaiting work, DisplayFormat format, UnitStore units, UnitRegistry configured, ArchiveCorrections corrections) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Section { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Low { get; set; }

    /// <summary>The entry shown as an edit form.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Edit { get; set; }

    public ReviewQueueView View { get; private set; } = null!;

    /// <summary>The periods with work, oldest first: where editors find the month that needs them.</summary>
    public IReadOnlyList<PeriodWork> Periods { get; private set; } = [];

    /// <summary>Why the period asked for is not one: reported beside the field, which keeps what was typed.</summary>
    public string? PeriodError { get; private set; }

    /// <summary>Whether the period's bulletin was sent, and the correction open on it, if any.</summary>
    public PeriodLock Lock { get; private set; } = new(null, null);

    /// <summary>What the editor typed into an edit that was refused, shown again in the form.</summary>
    public EditInput? Typed { get; private set; }

    public string? DateError { get; private set; }

    public string? TextError { get; private set; }

    /// <summary>Set when the unit typed is not a registered one (nor an alias of one): saved only once the editor confirms it.</summary>
    public string? UnitError { get; private set; }

    /// <summary>What the last bulk action did, e.g. "3 entries approved."</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>The last bulk action's undo: the status it set and the entries' statuses before (<see cref="FormatUndo"/>).</summary>
    [TempData]
    public string? Undo { get; set; }

    public static readonly IReadOnlyList<string> Statuses = [EntryStore.Pending, EntryStore.Approved, EntryStore.Rejected, EntryStore.Superseded];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Periods = (await work.LoadAsync(cancellationToken)).Periods;
        if (string.IsNullOrWhiteSpace(Period))
        {
            // The oldest month that needs work, not the current one, which is empty while reports wait elsewhere.
            Period = Periods.Count > 0 ? Periods[0].Period : format.PeriodOrDefault(null).ToString();
        }
        else if (DisplayFormat.PeriodProblem(Period) is { } problem)
        {
            PeriodError = problem;
            View = new ReviewQueueView(Period, [], new Dictionary<string, int>(), [], []);
            return Page();
        }

        await LoadViewAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(long id, string? returnUrl, CancellationToken cancellationToken) =>
        SetStatusAsync(id, EntryStore.Approved, returnUrl, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(long id, string? returnUrl, CancellationToken cancellationToken) =>
        SetStatusAsync(id, EntryStore.Rejected, returnUrl, cancellationToken);

    public Task<IActionResult> OnPostRestoreAsync(long id, string? returnUrl, CancellationToken cancellationToken) =>
        SetStatusAsync(id, EntryStore.Pending, returnUrl, cancellationToken);

    /// <summary>Approves the pending entries the page showed (their ids, sent by the button), and offers an undo.</summary>
    public async Task<IActionResult> OnPostApproveShownAsync(string? ids, string? returnUrl, CancellationToken cancellationToken)
    {
        var shown = (ids ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(id => long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0).Where(n => n > 0).ToList();
        if (await RefusedWhenSentAsync(shown, cancellationToken) is { } refused)
        {
            return refused;
        }

        var changed = await entries.ApprovePendingAsync(shown, WebApp.Actor(User), cancellationToken);
        Notice = $"{changed.Count} {Texts.T("entries approved.")}";
        Undo = changed.Count > 0 ? FormatUndo(EntryStore.Approved, changed) : null;
        return Back(returnUrl, null);
    }

    /// <summary>Puts the entries of the last bulk action back to their statuses before (audited as entry.undo).</summary>
    public async Task<IActionResult> OnPostUndoAsync(string? changes, string? returnUrl, CancellationToken cancellationToken)
    {
        if (ParseUndo(changes) is not var (status, list))
        {
            return Refusal.BadRequest(Texts.T("Nothing to undo."));
        }

        if (await RefusedWhenSentAsync([.. list.Select(c => c.Id)], cancellationToken) is { } refused)
        {
            return refused;
        }

        var undone = await entries.UndoAsync(list, status, WebApp.Actor(User), cancellationToken);
        Notice = $"{undone} {Texts.T("entries put back as they were.")}";
        return Back(returnUrl, null);
    }

    /// <summary>"approved|12:pending,13:pending": the status a bulk action set, and each entry's status before.</summary>
    public static string FormatUndo(string status, IReadOnlyList<StatusChange> changes) =>
        $"{status}|{string.Join(',', changes.Select(c => $"{c.Id}:{c.Before}"))}";

    private static (string Status, IReadOnlyList<StatusChange> Changes)? ParseUndo(string? text)
    {
        // Only review statuses: an undo never makes an entry superseded, nor revives one.
        bool Reviewable(string s) => Statuses.Contains(s) && s != EntryStore.Superseded;
        var parts = (text ?? string.Empty).Split('|');
        if (parts.Length != 2 || !Reviewable(parts[0]))
        {
            return null;
        }

        var changes = new List<StatusChange>();
        foreach (var pair in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = pair.Split(':');
            if (fields.Length != 2 || !long.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out var id) || !Reviewable(fields[1]))
            {
                return null;
            }

            changes.Add(new StatusChange(id, fields[1]));
        }

        return changes.Count > 0 ? (parts[0], changes) : null;
    }

    public async Task<IActionResult> OnPostHeadlineAsync(long id, bool on, string? returnUrl, CancellationToken cancellationToken)
    {
        if (await RefusedWhenSentAsync([id], cancellationToken) is { } refused)
        {
            return refused;
        }

        await entries.SetHeadlineAsync(id, on, WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    public async Task<IActionResult> OnPostMoveAsync(long id, bool up, string? returnUrl, CancellationToken cancellationToken)
    {
        if (await RefusedWhenSentAsync([id], cancellationToken) is { } refused)
        {
            return refused;
        }

        await entries.MoveAsync(id, up, WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    /// <summary>
    /// Saves an edit. The date is an expression (6月15日, 近日, June 15), or a start and an end. A unit
    /// is saved under its registered name (an alias such as 宁波市科协 is 宁波市); a name the registry
    /// does not know is saved only with <paramref name="confirmUnit"/>, so no unit appears by a slip.
    /// </summary>
    public async Task<IActionResult> OnPostEditAsync(
        long id, string? date, DateOnly? start, DateOnly? end, string? text, string? unit, string? section, bool confirmUnit, string? returnUrl,
        CancellationToken cancellationToken)
    {
        var entry = await entries.GetAsync(id, cancellationToken);
        if (entry is null)
        {
            return NotFound();
        }

        if (await RefusedWhenSentAsync([id], cancellationToken) is { } refused)
        {
            return refused;
        }

        var period = Features.Parsing.Period.Parse(entry.Period);
        ActivityDate? parsed = null;
        if (!string.IsNullOrWhiteSpace(date))
        {
            if (DateExpression.TryParse(date, period, out var read))
            {
                parsed = read;
            }
        }
        else if (start is { } s)
        {
            var e = end ?? s;
            parsed = e >= s ? new ActivityDate(s, e, s == e ? DatePrecision.Day : DatePrecision.Range, null) : null;
        }
        else
        {
            parsed = ActivityDate.Undated;
        }

        var typedUnit = string.IsNullOrWhiteSpace(unit) ? null : unit.Trim();
        var registered = typedUnit is null ? null : (await units.LoadAsync(configured.Sections, cancellationToken)).FindByName(typedUnit);
        var unknownUnit = typedUnit is not null && registered is null && typedUnit != entry.Unit && !confirmUnit;
        if (parsed is null || string.IsNullOrWhiteSpace(text) || unknownUnit)
        {
            // The form again, as typed, with the error beside its field, in the view the editor came from:
            // the form's unit and section fields must not become the queue's filters.
            DateError = parsed is null ? Texts.T("The date is not one this parser reads, or the end is before the start.") : null;
            TextError = string.IsNullOrWhiteSpace(text) ? Texts.T("The text cannot be empty.") : null;
            UnitError = unknownUnit ? $"“{typedUnit}” {Texts.T("is not a registered unit or alias. Save it as a new, unregistered unit?")}" : null;
            Typed = new EditInput(date, start, end, text, unit, section);
            RestoreFilters(returnUrl);
            Period = entry.Period;
            Edit = id;
            Periods = (await work.LoadAsync(cancellationToken)).Periods;
            await LoadViewAsync(cancellationToken);
            return Page();
        }

        await entries.EditAsync(id, new EntryEdit(parsed, text, registered?.Name ?? typedUnit, section), WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    /// <summary>Opens a correction of the sent month: its entries accept changes again, each recorded under the note.</summary>
    public async Task<IActionResult> OnPostCorrectAsync(string? period, string? note, string? returnUrl, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return Refusal.BadRequest(Texts.T("Say what the correction is for."));
        }

        if ((await corrections.LockAsync(period ?? string.Empty, cancellationToken)).SentIssue is not { } issue)
        {
            return Refusal.BadRequest(Texts.T("This month's bulletin was not sent: it needs no correction."));
        }

        await corrections.OpenAsync(issue, WebApp.Actor(User), note.Trim(), cancellationToken);
        return Back(returnUrl, null);
    }

    /// <summary>Ends the open correction of a sent month: it refuses changes again.</summary>
    public async Task<IActionResult> OnPostEndCorrectionAsync(string? period, string? returnUrl, CancellationToken cancellationToken)
    {
        if ((await corrections.LockAsync(period ?? string.Empty, cancellationToken)).SentIssue is { } issue)
        {
            await corrections.CloseAsync(issue, WebApp.Actor(User), cancellationToken);
        }

        return Back(returnUrl, null);
    }

    // A month whose bulletin was sent refuses changes to its entries until an editor opens a correction.
    private async Task<IActionResult?> RefusedWhenSentAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var periods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (await entries.GetAsync(id, cancellationToken) is { } entry)
            {
                periods.Add(entry.Period);
            }
        }

        foreach (var period in periods)
        {
            if ((await corrections.LockAsync(period, cancellationToken)).Locked)
            {
                return Refusal.Conflict($"{period}: {Texts.T("this month's bulletin was sent. Open a correction of the archive, with a note, before changing it.")}");
            }
        }

        return null;
    }

    private async Task<IActionResult> SetStatusAsync(long id, string status, string? returnUrl, CancellationToken cancellationToken)
    {
        if (await RefusedWhenSentAsync([id], cancellationToken) is { } refused)
        {
            return refused;
        }

        await entries.SetStatusAsync([id], null, status, WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    private LocalRedirectResult Back(string? returnUrl, long? id)
    {
        var target = Url.IsLocalUrl(returnUrl) ? returnUrl : "/queue";
        return LocalRedirect(id is { } at ? $"{target}#e{at}" : target);
    }

    private async Task LoadViewAsync(CancellationToken cancellationToken)
    {
        View = await queue.LoadAsync(Period!, new QueueFilter(Blank(Status), Blank(Section), Blank(Unit), Low), cancellationToken);
        Lock = await corrections.LockAsync(Period!, cancellationToken);
    }

    // The filters of the view a form was posted from (its returnUrl).
    private void RestoreFilters(string? returnUrl)
    {
        var at = returnUrl?.IndexOf('?', StringComparison.Ordinal) ?? -1;
        var query = at < 0 ? [] : QueryHelpers.ParseQuery(returnUrl![at..]);
        string? Get(string key) => query.TryGetValue(key, out var value) ? Blank(value.ToString()) : null;
        Status = Get("status");
        Section = Get("section");
        Unit = Get("unit");
        Low = Get("low") == "true";
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The queue's address with these filters (and no edit form).</summary>
    public string Link(string? status = null, bool keepStatus = true, long? edit = null)
    {
        var query = new List<string> { $"period={Uri.EscapeDataString(Period ?? string.Empty)}" };
        var s = keepStatus ? Status : status;
        if (!string.IsNullOrEmpty(s))
        {
            query.Add($"status={Uri.EscapeDataString(s)}");
        }

        if (!string.IsNullOrEmpty(Section))
        {
            query.Add($"section={Uri.EscapeDataString(Section)}");
        }

        if (!string.IsNullOrEmpty(Unit))
        {
            query.Add($"unit={Uri.EscapeDataString(Unit)}");
        }

        if (Low)
        {
            query.Add("low=true");
        }

        if (edit is { } e)
        {
            query.Add($"edit={e}");
        }

        return "/queue?" + string.Join('&', query);
    }
}
