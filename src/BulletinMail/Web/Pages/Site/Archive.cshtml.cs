using BulletinMail.Features.Bulletins;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages.Site;

/// <summary>The public archive: every sent issue, newest first, with its Atom feed.</summary>
public sealed class ArchiveModel(IssueStore issues) : PageModel
{
    public IReadOnlyList<Issue> Issues { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Issues = await issues.ListSentAsync(500, cancellationToken);
}
