namespace BulletinMail.Features.Extraction;

/// <summary>An attachment and what became of it: <c>read</c>, <c>skipped</c> (not a report format) or <c>failed</c>.</summary>
public sealed record ExtractedAttachment(string Name, string ContentType, long Size, string Status, string? Reason = null);

/// <summary>The text of a file or message, with what a mail says about itself.</summary>
/// <param name="Text">All extracted text: the body, then each readable attachment.</param>
/// <param name="Subject">The mail's subject (of the innermost forwarded report where there is one).</param>
/// <param name="FromAddress">The sender's address as the header says (not proof of who sent it).</param>
public sealed record ExtractedDocument(
    string Text,
    string? Subject = null,
    string? FromAddress = null,
    DateTimeOffset? Date = null,
    IReadOnlyList<ExtractedAttachment>? Attachments = null,
    IReadOnlyList<string>? Warnings = null);
