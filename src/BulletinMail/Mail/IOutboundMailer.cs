using MimeKit;

namespace BulletinMail.Mail;

/// <summary>
/// Sends a single message the configured way: <c>.eml</c> files in the outbox, or the SMTP relay on
/// a connection of its own. For the few messages of the outgoing queue (acknowledgements,
/// confirmations, reminders); a bulletin's thousands go through <see cref="IDeliveryTransport"/>,
/// whose pooled connections and refusal kinds its ledger needs.
/// </summary>
public interface IOutboundMailer
{
    /// <summary>Sends once per Message-ID where the transport allows (the outbox does).</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
