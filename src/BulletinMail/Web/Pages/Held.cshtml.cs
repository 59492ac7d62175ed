using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>
/// Submissions waiting for an editor, each with the actions that fit it: assign a unit (and
/// remember the sender), release, or discard with a reason; a notice says what the action did.
/// </summary>
public sealed class HeldModel(SubmissionStore submissions, SubmissionProcessor processor, UnitStore units, UnitRegistry configured) : PageModel
{
    public IReadOnlyList<HeldItem> Waiting { get; private set; } = [];

    public IReadOnlyList<string> UnitNames { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    /// <summary>Where the notice's outcome can be seen (the queue of a parsed report's entries).</summary>
    [TempData]
    public string? NoticeLink { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var registry = await units.LoadAsync(configured.Sections, cancellationToken);
        var held = await submissions.ListAsync(null, SubmissionStatus.Held, cancellationToken);
        var quarantined = await submissions.ListAsync(null, SubmissionStatus.Quarantined, cancellationToken);
        Waiting = [.. held.Concat(quarantined).OrderByDescending(s => s.ReceivedAt).Select(s => HeldItem.For(s, registry))];
        UnitNames = [.. registry.Units.Select(u => u.Name)];
    }

    public async Task<IActionResult> OnPostAssignAsync(long id, string? unit, string? period, bool remember, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } item)
        {
            return Refusal.NotFound($"{Texts.T("There is no submission")} {id}");
        }

        if (!item.CanAssign || string.IsNullOrWhiteSpace(unit))
        {
            return Refusal.BadRequest(Texts.T("This submission cannot be assigned to a unit: it has no sender address, or it is not held."));
        }

        Period? chosen = Period.TryParse(period, out var p) ? p : null;
        await processor.ResolveAsync(id, new EditorDecision(unit.Trim(), chosen, remember, WebApp.Actor(User)), cancellationToken);
        var done = await DoneAsync(id, cancellationToken);
        if (remember && await submissions.GetAsync(id, cancellationToken) is { Status: SubmissionStatus.Parsed } parsed)
        {
            Notice += $" {Texts.T("Mail from")} {parsed.FromAddress} {Texts.T("now goes straight to")} {parsed.Unit}.";
        }

        return done;
    }

    public async Task<IActionResult> OnPostReleaseAsync(long id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } item)
        {
            return Refusal.NotFound($"{Texts.T("There is no submission")} {id}");
        }

        if (!item.CanRelease)
        {
            return Refusal.BadRequest(Texts.T("Releasing this submission would hold it again: assign a unit or discard it."));
        }

        await processor.ResolveAsync(id, new EditorDecision(null, null, false, WebApp.Actor(User)), cancellationToken);
        return await DoneAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostDiscardAsync(long id, string? reason, CancellationToken cancellationToken)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "discarded by an editor" : reason.Trim();
        await submissions.DiscardAsync(id, why, WebApp.Actor(User), cancellationToken);
        return await DoneAsync(id, cancellationToken);
    }

    private async Task<HeldItem?> FindAsync(long id, CancellationToken cancellationToken) =>
        await submissions.GetAsync(id, cancellationToken) is { } submission
            ? HeldItem.For(submission, await units.LoadAsync(configured.Sections, cancellationToken))
            : null;

    // Says what the action did, from the submission as it now stands.
    private async Task<RedirectResult> DoneAsync(long id, CancellationToken cancellationToken)
    {
        var s = await submissions.GetAsync(id, cancellationToken);
        var name = $"{Texts.T("Submission")} {id}";
        (Notice, NoticeLink) = s?.Status switch
        {
            SubmissionStatus.Parsed => ($"{name}: {Texts.T("read as the report of")} {s.Unit} ({s.Period}), {s.EntryCount} {Texts.T("entries wait in the queue.")}",
                $"/queue?period={s.Period}&unit={Uri.EscapeDataString(s.Unit ?? string.Empty)}"),
            SubmissionStatus.Discarded => ($"{name}: {Texts.T("discarded; the original is kept.")}", null),
            { } status => ($"{name}: {Texts.T("still")} {Texts.T(status)}: {HeldReasons.Show(s.Reason)}", null),
            null => ($"{name}: {Texts.T("not found")}", null),
        };
        return Redirect("/held");
    }
}
