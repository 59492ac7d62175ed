using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>
/// The review queue of a period. Every action is a POST (antiforgery-checked) that redirects
/// back to the same view, at the entry acted on.
/// </summary>
public sealed class QueueModel(ReviewQueueLoader queue, EntryStore entries, DisplayFormat format) : PageModel
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

    public string? Error { get; private set; }

    public static readonly IReadOnlyList<string> Statuses = [EntryStore.Pending, EntryStore.Approved, EntryStore.Rejected, EntryStore.Superseded];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Period = format.PeriodOrDefault(Period).ToString();
        View = await queue.LoadAsync(Period, new QueueFilter(Blank(Status), Blank(Section), Blank(Unit), Low), cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(long id, string? returnUrl, CancellationToken cancellationToken) =>
        SetStatusAsync(id, EntryStore.Approved, returnUrl, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(long id, string? returnUrl, CancellationToken cancellationToken) =>
        SetStatusAsync(id, EntryStore.Rejected, returnUrl, cancellationToken);

    public Task<IActionResult> OnPostRestoreAsync(long id, string? returnUrl, CancellationToken cancellationToken) =>
        SetStatusAsync(id, EntryStore.Pending, returnUrl, cancellationToken);

    public async Task<IActionResult> OnPostApproveUnitAsync(string unit, string period, string? returnUrl, CancellationToken cancellationToken)
    {
        await entries.ApproveUnitAsync(period, unit, WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, null);
    }

    public async Task<IActionResult> OnPostHeadlineAsync(long id, bool on, string? returnUrl, CancellationToken cancellationToken)
    {
        await entries.SetHeadlineAsync(id, on, WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    public async Task<IActionResult> OnPostMoveAsync(long id, bool up, string? returnUrl, CancellationToken cancellationToken)
    {
        await entries.MoveAsync(id, up, WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    /// <summary>Saves an edit. The date is an expression (6月15日, 近日, June 15), or a start and an end.</summary>
    public async Task<IActionResult> OnPostEditAsync(
        long id, string? date, DateOnly? start, DateOnly? end, string? text, string? unit, string? section, string? returnUrl, CancellationToken cancellationToken)
    {
        var entry = await entries.GetAsync(id, cancellationToken);
        if (entry is null)
        {
            return NotFound();
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

        if (parsed is null || string.IsNullOrWhiteSpace(text))
        {
            Error = parsed is null ? Texts.T("The date is not one this parser reads, or the end is before the start.") : Texts.T("The text cannot be empty.");
            Period = entry.Period;
            Edit = id;
            View = await queue.LoadAsync(Period, new QueueFilter(), cancellationToken);
            return Page();
        }

        await entries.EditAsync(id, new EntryEdit(parsed, text, unit, section), WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    private async Task<IActionResult> SetStatusAsync(long id, string status, string? returnUrl, CancellationToken cancellationToken)
    {
        await entries.SetStatusAsync([id], null, status, WebApp.Actor(User), cancellationToken);
        return Back(returnUrl, id);
    }

    private LocalRedirectResult Back(string? returnUrl, long? id)
    {
        var target = Url.IsLocalUrl(returnUrl) ? returnUrl : "/queue";
        return LocalRedirect(id is { } at ? $"{target}#e{at}" : target);
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
