using MailKit.Net.Smtp;
using BulletinMail.Hosting;
using MimeKit;

namespace BulletinMail.Features.Bulletins;

/// <summary>Sends through the configured SMTP relay, one connection per message (the bulletin's delivery pools its own).</summary>
public sealed class SmtpMailer(OutboundOptions.SmtpSettings settings) : IOutboundMailer
{
    /// <exception cref="SmtpCommandException">The relay refused the message or a recipient.</exception>
    /// <exception cref="IOException">The relay cannot be reached.</exception>
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host!, settings.Port, MailSecurity.ToSocketOptions(settings.Security), cancellationToken);
        if (settings.User is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, settings.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
