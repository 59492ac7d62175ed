using BulletinMail.Features.Intake;
using BulletinMail.Features.Review;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>A submission: its original as sent (HTML sanitized), its attachments, and its entries beside it.</summary>
public sealed class SubmissionModel(SubmissionStore submissions, EntryStore entries, OriginalView originals, Reparse reparser) : PageModel
{
    public Submission Submission { get; private set; } = null!;

    public OriginalDisplay Original { get; private set; } = null!;

    public IReadOnlyList<StoredEntry> Entries { get; private set; } = [];

    /// <summary>The text the entries were parsed from, each entry's span marked where it can be found.</summary>
    public IReadOnlyList<SourceSegment> Source { get; private set; } = [];

    /// <summary>The entries whose span is marked in <see cref="Source"/>.</summary>
    public IReadOnlySet<long> Marked { get; private set; } = new HashSet<long>();

    /// <summary>Set when the editor asked what a re-parse would change; null inside means the original cannot be read again.</summary>
    public IReadOnlyList<ReparseChange>? Proposals { get; private set; }

    public bool ReparseAsked { get; private set; }

    /// <summary>The submission this one replaced, when it is a correction.</summary>
    public long? Replaces { get; private set; }

    /// <summary>Another submission shown side by side with this one (a correction and what it replaced).</summary>
    public Submission? Compared { get; private set; }

    [BindProperty(SupportsGet = true)]
    public bool Images { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, bool reparse, long? compare, CancellationToken cancellationToken)
    {
        if (await submissions.GetAsync(id, cancellationToken) is not { } submission)
        {
            return NotFound();
        }

        Submission = submission;
        if (Images)
        {
            SecurityHeaders.AllowRemoteImages(HttpContext);
        }

        Original = await originals.LoadAsync(submission, Images, cancellationToken);
        Entries = await entries.ListBySubmissionAsync(id, cancellationToken);
        Source = submission.ExtractedText is { Length: > 0 } text ? SourceSpans.Mark(text, Entries) : [];
        Marked = Source.Where(s => s.EntryId is not null).Select(s => s.EntryId!.Value).ToHashSet();
        Replaces = await submissions.FindSupersededByAsync(id, cancellationToken);
        Compared = compare is { } other ? await submissions.GetAsync(other, cancellationToken) : null;
        if (reparse)
        {
            ReparseAsked = true;
            Proposals = await reparser.ProposeAsync(submission, cancellationToken);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostReparseAsync(long id, CancellationToken cancellationToken)
    {
        if (await submissions.GetAsync(id, cancellationToken) is not { } submission)
        {
            return NotFound();
        }

        await reparser.ApplyAsync(submission, WebApp.Actor(User), cancellationToken);
        return Redirect($"/submissions/{id}");
    }

    /// <summary>Undoes a correction: this submission stands again beside the reply that replaced it, its entries back in review.</summary>
    public async Task<IActionResult> OnPostRestoreAsync(long id, CancellationToken cancellationToken)
    {
        if (!await submissions.RestoreSupersededAsync(id, WebApp.Actor(User), cancellationToken))
        {
            return NotFound();
        }

        return Redirect($"/submissions/{id}");
    }

    /// <summary>One attachment, or (index -1) the original itself, always as a download: never rendered in our origin.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(long id, int index, CancellationToken cancellationToken)
    {
        if (await submissions.GetAsync(id, cancellationToken) is not { } submission)
        {
            return NotFound();
        }

        if (index < 0)
        {
            var path = originals.PathOf(submission);
            return PhysicalFile(path, "application/octet-stream", submission.Mailbox == ReportImporter.Mailbox ? "original" : $"submission-{id}.eml");
        }

        return await originals.AttachmentAsync(submission, index, cancellationToken) is { } attachment
            ? File(attachment.Content, "application/octet-stream", attachment.Name)
            : Refusal.NotFound($"{Texts.T("Submission")} {id} {Texts.T("has no attachment")} {index}");
    }
}
