using MimeKit;

namespace BulletinMail.Mail;

/// <summary>Sends a message the configured way: <c>.eml</c> files in the outbox, or the SMTP relay.</summary>
public interface IOutboundMailer
{
    /// <summary>Sends once per Message-ID where the transport allows (the outbox does).</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
