using BulletinMail.Features.Audit;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>The audit log, newest first, a page at a time: who changed what, when, before and after.</summary>
public sealed class AuditModel(AuditLog log, EntryStore entries, Features.Subscribers.SubscriberStore subscribers) : PageModel
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

    /// <summary>The entries and subscribers the rows name, so each row reads as a sentence (条目 #45 (宁波市, 6月15日)).</summary>
    public AuditSentences.Subjects Subjects { get; private set; } = AuditSentences.Subjects.None;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Rows = await log.ListAsync(Blank(Actor), Blank(Entity), Id, Before, PageSize, cancellationToken);
        var named = new Dictionary<long, StoredEntry>();
        foreach (var id in Rows.Where(r => r.Entity == "entry" && r.EntityId is not null).Select(r => r.EntityId!.Value).Distinct())
        {
            if (await entries.GetAsync(id, cancellationToken) is { } entry)
            {
                named[id] = entry;
            }
        }

        var addresses = new Dictionary<long, string>();
        foreach (var id in Rows.Where(r => r.Entity == "subscriber" && r.EntityId is not null).Select(r => r.EntityId!.Value).Distinct())
        {
            if (await subscribers.GetAsync(id, cancellationToken) is { } subscriber)
            {
                addresses[id] = subscriber.Email;
            }
        }

        Subjects = new AuditSentences.Subjects(named, addresses);
    }

    public string OlderLink() =>
        $"/audit?actor={Uri.EscapeDataString(Actor ?? string.Empty)}&entity={Uri.EscapeDataString(Entity ?? string.Empty)}&id={Id}&before={Rows[^1].Id}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
