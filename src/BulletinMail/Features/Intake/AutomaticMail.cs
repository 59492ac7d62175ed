using MimeKit;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Mail that no person wrote: auto-replies, bounces, bulk and list mail. It is never answered
/// (RFC 3834) and yields no report.
/// </summary>
public static class AutomaticMail
{
    /// <summary>Why the message is automatic, or null when a person sent it.</summary>
    public static string? Reason(MimeMessage message, string? ownAddress)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = message.Headers;

        // RFC 3834 §5: Auto-Submitted other than "no" marks machine-generated mail.
        if (headers[HeaderId.AutoSubmitted] is { } autoSubmitted && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return $"automatic mail (Auto-Submitted: {autoSubmitted.Trim()})";
        }

        if (message.Body is MultipartReport || message.Body?.ContentType.IsMimeType("multipart", "report") == true)
        {
            return "a delivery or read report (bounce)";
        }

        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond") || headers.Contains("X-Auto-Response-Suppress") && headers["X-Auto-Response-Suppress"]!.Contains("All", StringComparison.OrdinalIgnoreCase))
        {
            return "an auto-reply";
        }

        if (headers[HeaderId.Precedence] is { } precedence && precedence.Trim().ToLowerInvariant() is "bulk" or "junk" or "list" or "auto_reply")
        {
            return $"bulk mail (Precedence: {precedence.Trim()})";
        }

        if (headers.Contains(HeaderId.ListId) || headers.Contains("List-Unsubscribe"))
        {
            return "list mail (List-Id or List-Unsubscribe)";
        }

        if (headers[HeaderId.ReturnPath]?.Trim() == "<>")
        {
            return "no sender address (null return path)";
        }

        // A From that cannot be read is a person's mail all the same: it is held for an editor.
        var from = message.From.Mailboxes.FirstOrDefault()?.Address;
        if (string.IsNullOrWhiteSpace(from))
        {
            return null;
        }

        var local = from.Split('@')[0].ToLowerInvariant();
        if (local is "mailer-daemon" or "postmaster" or "noreply" or "no-reply" or "donotreply" or "do-not-reply")
        {
            return $"sent by {from}";
        }

        if (ownAddress is not null && from.Equals(ownAddress, StringComparison.OrdinalIgnoreCase))
        {
            return "sent by BulletinMail itself";
        }

        var subject = message.Subject ?? string.Empty;
        return subject.StartsWith("自动回复", StringComparison.Ordinal) || subject.StartsWith("Auto:", StringComparison.OrdinalIgnoreCase)
            || subject.StartsWith("Automatic reply", StringComparison.OrdinalIgnoreCase) || subject.StartsWith("Out of Office", StringComparison.OrdinalIgnoreCase)
            ? "an auto-reply (subject)"
            : null;
    }
}
