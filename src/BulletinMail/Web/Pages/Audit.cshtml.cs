using BulletinMail.Features.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>The audit log, newest first, a page at a time: who changed what, when, before and after.</summary>
public sealed class AuditModel(AuditLog log) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Entity { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Rows = await log.ListAsync(Blank(Actor), Blank(Entity), Id, Before, PageSize, cancellationToken);

    public string OlderLink() =>
        $"/audit?actor={Uri.EscapeDataString(Actor ?? string.Empty)}&entity={Uri.EscapeDataString(Entity ?? string.Empty)}&id={Id}&before={Rows[^1].Id}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
