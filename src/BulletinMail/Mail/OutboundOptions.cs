using System.ComponentModel.DataAnnotations;

namespace BulletinMail.Mail;

/// <summary>How mail leaves (<c>Outbound</c> in config): <c>.eml</c> files in the outbox, or an SMTP relay.</summary>
public sealed class OutboundOptions : IValidatableObject
{
    public const string Section = "Outbound";

    [Required]
    [RegularExpression("^(outbox|smtp)$", ErrorMessage = "Outbound:Kind must be outbox or smtp")]
    public string Kind { get; set; } = "outbox";

    /// <summary>The sender of acknowledgements, reminders and the bulletin.</summary>
    [Required]
    [EmailAddress]
    public string From { get; set; } = "bulletin@localhost";

    /// <summary>The domain of <see cref="From"/>: of our Message-IDs and return addresses.</summary>
    public string Domain => From.Split('@').Last();

    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>
    /// The first wait before the worker's own mail (acknowledgements, confirmations, reminders)
    /// is tried again after the relay failed; it doubles with each failure, up to an hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind == "smtp" && string.IsNullOrWhiteSpace(Smtp.Host))
        {
            yield return new ValidationResult("Outbound:Smtp:Host is required when Outbound:Kind is smtp", ["Smtp.Host"]);
        }

        if (Smtp.Security is not ("None" or "StartTls" or "Tls"))
        {
            yield return new ValidationResult("Outbound:Smtp:Security must be None, StartTls or Tls", ["Smtp.Security"]);
        }
    }

    public sealed class SmtpSettings
    {
        public string? Host { get; set; }

        [Range(1, 65535)]
        public int Port { get; set; } = 587;

        public string Security { get; set; } = "StartTls";

        public string? User { get; set; }

        public string? Password { get; set; }

        [Range(1, 64)]
        public int Concurrency { get; set; } = 4;

        [Range(0, 10_000)]
        public int MaxPerSecond { get; set; }

        /// <summary>How long one bulletin message may take, connecting included, before it is given up and retried later.</summary>
        [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
        public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromMinutes(2);
    }
}
