namespace BulletinMail.Mail;

public static class MailAddresses
{
    /// <summary>A bare e-mail address (no display name, no angle brackets): what a unit's sender or a subscriber must be.</summary>
    public static bool IsBare(string text) =>
        MimeKit.MailboxAddress.TryParse(text, out var parsed) && parsed.Address == text.Trim() && text.Contains('@', StringComparison.Ordinal);
}
