using System.Net.Sockets;
using MailKit.Net.Smtp;
using MimeKit;

namespace BulletinMail.Mail;

/// <summary>Sends through the configured SMTP relay, one connection per message (the bulletin's delivery pools its own).</summary>
public sealed class SmtpMailer(OutboundOptions.SmtpSettings settings) : IOutboundMailer
{
    /// <exception cref="SmtpCommandException">The relay refused the message or a recipient.</exception>
    /// <exception cref="IOException">The relay cannot be reached.</exception>
    /// <exception cref="TimeoutException">The relay took longer than <c>MessageTimeout</c>.</exception>
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        // A relay that accepts the connection and then stalls must not hold the sender forever.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.MessageTimeout);
        using var client = new SmtpClient();
        try
        {
            await ConnectAsync(client, settings, timeout.Token);
            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the relay did not take the message within {settings.MessageTimeout} (Outbound:Smtp:MessageTimeout)");
        }
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
