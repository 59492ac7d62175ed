using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>Submissions waiting for an editor: assign a unit (and remember the sender), release, or discard with a reason.</summary>
public sealed class HeldModel(SubmissionStore submissions, SubmissionProcessor processor, UnitStore units, UnitRegistry configured) : PageModel
{
    public IReadOnlyList<Submission> Waiting { get; private set; } = [];

    public IReadOnlyList<string> UnitNames { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var held = await submissions.ListAsync(null, SubmissionStatus.Held, cancellationToken);
        var quarantined = await submissions.ListAsync(null, SubmissionStatus.Quarantined, cancellationToken);
        Waiting = [.. held.Concat(quarantined).OrderByDescending(s => s.ReceivedAt)];
        UnitNames = [.. (await units.LoadAsync(configured.Sections, cancellationToken)).Units.Select(u => u.Name)];
    }

    public async Task<IActionResult> OnPostAssignAsync(long id, string? unit, string? period, bool remember, CancellationToken cancellationToken)
    {
        if (await submissions.GetAsync(id, cancellationToken) is null)
        {
            return Refusal.NotFound($"{Texts.T("There is no submission")} {id}");
        }

        Period? chosen = Period.TryParse(period, out var p) ? p : null;
        var status = await processor.ResolveAsync(id, new EditorDecision(string.IsNullOrWhiteSpace(unit) ? null : unit.Trim(), chosen, remember, WebApp.Actor(User)), cancellationToken);
        return Done(id, status);
    }

    public async Task<IActionResult> OnPostDiscardAsync(long id, string? reason, CancellationToken cancellationToken)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "discarded by an editor" : reason.Trim();
        await submissions.DiscardAsync(id, why, WebApp.Actor(User), cancellationToken);
        return Done(id, SubmissionStatus.Discarded);
    }

    private RedirectResult Done(long id, string status)
    {
        Notice = $"{Texts.T("Submission")} {id}: {Texts.T(status)}";
        return Redirect("/held");
    }
}
