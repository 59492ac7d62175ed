using System.Text;
using AngleSharp.Dom;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Intake;
using Ganss.Xss;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Web;

/// <summary>A file attached to a submission, as listed beside it.</summary>
public sealed record AttachmentInfo(int Index, string Name, string ContentType);

/// <summary>
/// A submission's original made fit to show: the HTML body cleaned by HtmlSanitizer (no script,
/// no event handlers, no <c>javascript:</c> links, remote images only when asked), else the plain
/// text; its attachments; and the raw bytes when it cannot be read as mail.
/// </summary>
/// <param name="BlockedImages">Remote images left out because the editor has not asked for them.</param>
public sealed record OriginalDisplay(
    string? From,
    string? To,
    string? Date,
    string? Html,
    string? Text,
    IReadOnlyList<AttachmentInfo> Attachments,
    int BlockedImages,
    string? Problem);

/// <summary>Reads originals for the submission page.</summary>
public sealed class OriginalView(OriginalStore originals, IOptions<ExtractionOptions> extraction)
{
    // Enough of an unreadable original to see what it is.
    private const int RawPreviewBytes = 64 * 1024;

    public async Task<OriginalDisplay> LoadAsync(Submission submission, bool remoteImages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Mailbox == ReportImporter.Mailbox)
        {
            return new OriginalDisplay(null, null, null, null, submission.ExtractedText, [new AttachmentInfo(0, submission.Subject ?? "report", "application/octet-stream")], 0, null);
        }

        if (submission.Size > extraction.Value.MaxInputBytes)
        {
            return new OriginalDisplay(null, null, null, null, null, [], 0, Texts.T("The message is too large to show here; download the original."));
        }

        var content = await originals.ReadAsync(submission.Sha256, cancellationToken);
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var attachments = message.Attachments.Select((part, i) => new AttachmentInfo(i, NameOf(part, i), part.ContentType.MimeType)).ToList();
            var blocked = 0;
            var html = message.HtmlBody is { } body ? Sanitize(body, remoteImages, out blocked) : null;
            return new OriginalDisplay(
                message.From.ToString(), message.To.ToString(), message.Date.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                html, html is null ? message.TextBody ?? submission.ExtractedText : null, attachments, blocked, null);
        }
        catch (FormatException ex)
        {
            var preview = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, RawPreviewBytes));
            return new OriginalDisplay(null, null, null, null, preview, [], 0, $"{Texts.T("Not readable as mail")}: {ex.Message}");
        }
    }

    /// <summary>Where the original's bytes are kept.</summary>
    public string PathOf(Submission submission) => originals.PathOf(submission?.Sha256 ?? throw new ArgumentNullException(nameof(submission)));

    /// <summary>The decoded bytes of one attachment (of an imported file: the file itself).</summary>
    public async Task<(byte[] Content, string Name)?> AttachmentAsync(Submission submission, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var content = await originals.ReadAsync(submission.Sha256, cancellationToken);
        if (submission.Mailbox == ReportImporter.Mailbox)
        {
            return index == 0 ? (content, MessageTextExtractor.SafeName(submission.Subject) ?? "report") : null;
        }

        using var stream = new MemoryStream(content, writable: false);
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        catch (FormatException)
        {
            return null; // not mail (a quarantined original): it has no attachments, only itself
        }

        using var loaded = message;
        var part = message.Attachments.Skip(index).FirstOrDefault();
        if (part is null)
        {
            return null;
        }

        using var decoded = new MemoryStream();
        switch (part)
        {
            case MimePart { Content: { } body }:
                await body.DecodeToAsync(decoded, cancellationToken);
                break;
            case MessagePart { Message: { } forwarded }:
                await forwarded.WriteToAsync(decoded, cancellationToken);
                break;
            default:
                await part.WriteToAsync(decoded, cancellationToken);
                break;
        }

        return (decoded.ToArray(), NameOf(part, index));
    }

    private static string NameOf(MimeEntity part, int index) =>
        MessageTextExtractor.SafeName(part is MimePart mime ? mime.FileName : part.ContentDisposition?.FileName)
        ?? (part is MessagePart ? $"message-{index + 1}.eml" : $"attachment-{index + 1}");

    /// <summary>Cleans untrusted HTML for showing inside our page.</summary>
    public static string Sanitize(string html, bool remoteImages, out int blockedImages)
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("mailto");
        foreach (var control in (string[])["form", "input", "button", "textarea", "select", "option", "label"])
        {
            sanitizer.AllowedTags.Remove(control); // a message has no business putting forms in our pages
        }

        var blocked = 0;
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not IElement element)
            {
                return;
            }

            if (element.LocalName == "a")
            {
                element.SetAttribute("rel", "noopener noreferrer nofollow");
                element.SetAttribute("target", "_blank");
            }
            else if (element.LocalName == "img" && !remoteImages && element.GetAttribute("src") is { } src
                && (src.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || src.StartsWith("https:", StringComparison.OrdinalIgnoreCase) || src.StartsWith("//", StringComparison.Ordinal)))
            {
                // Loading it would tell the sender the message was read (and from where).
                element.RemoveAttribute("src");
                element.RemoveAttribute("srcset");
                element.SetAttribute("data-blocked", "remote image");
                blocked++;
            }
        };
        var clean = sanitizer.Sanitize(html);
        blockedImages = blocked;
        return clean;
    }
}
