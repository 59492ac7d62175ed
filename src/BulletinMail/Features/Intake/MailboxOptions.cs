using System.ComponentModel.DataAnnotations;

namespace BulletinMail.Features.Intake;

/// <summary>The submission mailbox (<c>Mailbox</c> in config; DESIGN.md, configuration).</summary>
public sealed class MailboxOptions : IValidatableObject
{
    public const string Section = "Mailbox";

    /// <summary><c>maildir</c> (the embedded default) or <c>imap</c>.</summary>
    [Required]
    [RegularExpression("^(maildir|imap)$", ErrorMessage = "Mailbox:Kind must be maildir or imap")]
    public string Kind { get; set; } = "maildir";

    public MaildirSettings Maildir { get; set; } = new();

    public ImapSettings Imap { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind == "imap" && string.IsNullOrWhiteSpace(Imap.Host))
        {
            yield return new ValidationResult("Mailbox:Imap:Host is required when Mailbox:Kind is imap", ["Imap.Host"]);
        }

        if (Kind == "imap" && Imap.Security is not ("None" or "StartTls" or "Tls"))
        {
            yield return new ValidationResult("Mailbox:Imap:Security must be None, StartTls or Tls", ["Imap.Security"]);
        }
    }

    public sealed class MaildirSettings
    {
        /// <summary>The Maildir folder; default <c>mailbox</c> inside the data folder.</summary>
        public string? Path { get; set; }
    }

    public sealed class ImapSettings
    {
        public string? Host { get; set; }

        [Range(1, 65535)]
        public int Port { get; set; } = 993;

        public string Security { get; set; } = "Tls";

        public string? User { get; set; }

        /// <summary>From the environment (<c>BULLETINMAIL_Mailbox__Imap__Password</c>), never a committed file.</summary>
        public string? Password { get; set; }

        public string Folder { get; set; } = "INBOX";

        /// <summary>Where processed messages are moved (created when missing).</summary>
        public string ProcessedFolder { get; set; } = "Processed";

        /// <summary>Where quarantined messages are moved (created when missing).</summary>
        public string QuarantineFolder { get; set; } = "Quarantine";

        /// <summary>An OAuth2 access token used instead of the password (from the environment).</summary>
        public string? OAuth2Token { get; set; }

        /// <summary>Write MailKit's protocol log (commands, never bodies' meaning) to this file.</summary>
        public string? ProtocolLog { get; set; }
    }
}
