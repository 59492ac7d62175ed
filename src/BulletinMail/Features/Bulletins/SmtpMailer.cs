using System.Net.Sockets;
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
        await ConnectAsync(client, settings, cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>
    /// Connects (and signs in) to the relay over a socket of our own with <c>NoDelay</c>: with
    /// Nagle's algorithm on, the final line of every message waits ~40 ms for an ACK.
    /// </summary>
    internal static async Task ConnectAsync(SmtpClient client, OutboundOptions.SmtpSettings settings, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(settings.Host!, settings.Port, cancellationToken);
            await client.ConnectAsync(socket, settings.Host!, settings.Port, MailSecurity.ToSocketOptions(settings.Security), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        if (settings.User is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, settings.Password ?? string.Empty, cancellationToken);
        }
    }
}
