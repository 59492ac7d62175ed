using BulletinMail.Features.Units;
using BulletinMail.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>Edits one unit of the registry: section, order, aliases, sender addresses.</summary>
public sealed class UnitEditModel(UnitStore units, UnitRegistry configured) : PageModel
{
    public UnitDefinition Unit { get; private set; } = null!;

    public IReadOnlyList<string> Sections { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken cancellationToken)
    {
        var registry = await units.LoadAsync(configured.Sections, cancellationToken);
        if (registry.Units.FirstOrDefault(u => u.Name == name) is not { } unit)
        {
            return NotFound();
        }

        Unit = unit;
        Sections = registry.Sections;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string name, string? section, int order, string? aliases, string? senders, CancellationToken cancellationToken)
    {
        var addresses = Lines(senders);
        var edited = new UnitDefinition(name, Lines(aliases), string.IsNullOrWhiteSpace(section) ? null : section.Trim(), order, addresses);
        if (addresses.FirstOrDefault(a => !MailAddresses.IsBare(a)) is { } bad)
        {
            var registry = await units.LoadAsync(configured.Sections, cancellationToken);
            (Unit, Sections, Error) = (edited, registry.Sections, $"{bad}: not an e-mail address");
            return Page();
        }

        if (!await units.UpdateAsync(edited, WebApp.Actor(User), cancellationToken))
        {
            return NotFound();
        }

        TempData["Notice"] = $"{edited.Name}: {Texts.T("Saved.")}"; // shown by the units page it returns to
        return Redirect("/units");
    }

    public static IReadOnlyList<string> Lines(string? text) =>
        [.. (text ?? string.Empty).Split(['\n', '\r', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
