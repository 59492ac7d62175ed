using BulletinMail.Data;
using BulletinMail.Mail;
using Dapper;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Features.Subscribers;

/// <summary>
/// Subscribing and unsubscribing by mail to the submission address (subject 订阅 / subscribe,
/// 退订 / unsubscribe; also what List-Unsubscribe's mailto sends). A From header proves
/// nothing: a subscription waits for the confirmation link mailed to that address (double
/// opt-in); an unsubscribe takes effect at once only when our MTA's DMARC check passed for that
/// address, and otherwise mails the address its one-click unsubscribe link.
/// </summary>
public sealed class SubscriptionMail(
    SubscriberStore subscribers,
    SubscriptionConfirmations confirmations)
{
    private static readonly string[] SubscribeWords = ["订阅", "subscribe"];
    private static readonly string[] UnsubscribeWords = ["退订", "取消订阅", "unsubscribe"];

    /// <returns>What was done, for the submission's reason, and the mail it answers with (queued with the
    /// submission's outcome); null when the message is not a subscription request.</returns>
    public async Task<MailCommandResult?> HandleAsync(MimeMessage message, SenderAuthentication sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subject = (message.Subject ?? string.Empty).Trim().TrimEnd('。', '.', '!', '!');
        var from = message.From.Mailboxes.FirstOrDefault();
        var unsubscribe = UnsubscribeWords.Any(w => subject.Equals(w, StringComparison.OrdinalIgnoreCase));
        var subscribe = !unsubscribe && SubscribeWords.Any(w => subject.Equals(w, StringComparison.OrdinalIgnoreCase));
        if ((!subscribe && !unsubscribe) || from is null || !MailAddresses.IsBare(from.Address))
        {
            return null;
        }

        ArgumentNullException.ThrowIfNull(sender);
        if (sender.Failure is { } untrusted)
        {
            return new($"a subscription request not acted on: {untrusted}");
        }

        if (unsubscribe)
        {
            if (await subscribers.FindAsync(from.Address, cancellationToken) is not { Status: not SubscriberStatus.Unsubscribed } subscriber)
            {
                return new($"an unsubscribe request from {from.Address}, who is not subscribed");
            }

            // Only our MTA's word that the mail really came from that address ends a subscription
            // outright; anyone else gets the one-click link mailed to the address itself.
            if (sender.CheckedByOurServer)
            {
                await subscribers.UnsubscribeAsync(subscriber.Id, $"mail:{from.Address}", cancellationToken);
                return new($"{from.Address} unsubscribed by mail (sender confirmed by our mail server)");
            }

            var link = await confirmations.PrepareUnsubscribeAsync(subscriber, cancellationToken);
            return new($"an unsubscribe request from {from.Address}: {(link is null ? "a confirmation went to that address today already" : "unsubscribe link mailed to the address")}", link);
        }

        var confirmation = await confirmations.PrepareAsync(from.Address, from.Name, "mail", cancellationToken);
        return new($"a subscription request from {from.Address}: {(confirmation is null ? "already subscribed, or a confirmation went to that address today already" : "confirmation mailed")}", confirmation);
    }
}

/// <summary>
/// What intake knows of a mail's sender: why our mail server's authentication results disown the
/// From address (null when they do not), and whether our server checks senders at all.
/// </summary>
public sealed record SenderAuthentication(string? Failure, bool CheckedByOurServer);

/// <summary>What a mail command did (for the submission's reason) and the mail that answers it, if any.</summary>
public sealed record MailCommandResult(string Reason, MimeMessage? Reply = null);

/// <summary>
/// Double opt-in: a pending subscriber gets a mail with a signed link that expires; following it
/// (and confirming) activates them. Such mail goes to an address at most once a day whatever the
/// route (the form, mail), and at most <c>Digest:MaxConfirmationsPerDay</c> a day in all, so the
/// form cannot be used to bomb an inbox.
/// </summary>
public sealed partial class SubscriptionConfirmations(
    DbConnectionFactory connections,
    SubscriberStore subscribers,
    PublicLinks links,
    OutgoingMail queue,
    IOptions<SubscriberOptions> options,
    IOptions<OutboundOptions> outbound,
    TimeProvider time,
    ILogger<SubscriptionConfirmations> logger)
{
    /// <summary>The longest name kept for a subscriber; a longer one is cut.</summary>
    public const int MaxNameLength = 100;

    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(3);

    /// <summary>Records the request (pending) and queues the confirmation link; an active subscriber gets nothing.</summary>
    public async Task RequestAsync(string email, string? name, string source, CancellationToken cancellationToken)
    {
        if (await PrepareAsync(email, name, source, cancellationToken) is { } confirmation)
        {
            await queue.EnqueueAsync(confirmation, "confirmation", cancellationToken);
        }
    }

    /// <summary>Records the request (pending) and composes the mail with the confirmation link, for the caller to queue; null for an active subscriber.</summary>
    public async Task<MimeMessage?> PrepareAsync(string email, string? name, string source, CancellationToken cancellationToken)
    {
        var subscriber = await subscribers.RequestAsync(email, name is { Length: > MaxNameLength } ? name[..MaxNameLength] : name, source, cancellationToken);
        if (subscriber.Status == SubscriberStatus.Active || !await ReserveAsync(subscriber.Email, "subscribe", cancellationToken))
        {
            return null;
        }

        var link = links.ConfirmSubscription(subscriber.Email, time.GetUtcNow() + LinkLifetime);
        return Compose(subscriber, $"请确认订阅《{options.Value.Title}》 / Please confirm your subscription", $"""
            您好:

            有人(希望是您)用这个地址订阅了《{options.Value.Title}》。请在 3 天内打开下面的链接确认:
            {link}

            如果不是您本人,请忽略本邮件,您不会收到任何简报。

            Someone (we hope you) subscribed this address to {options.Value.Title}. To confirm, open the link above within 3 days. If it was not you, ignore this message.
            """);
    }

    /// <summary>
    /// The mail that lets a subscriber end their subscription with one click (an unsubscribe
    /// asked by mail, from a sender our MTA could not confirm); null when the address had a
    /// confirmation mail today already, or the day's cap is reached.
    /// </summary>
    public async Task<MimeMessage?> PrepareUnsubscribeAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (!await ReserveAsync(subscriber.Email, "unsubscribe", cancellationToken))
        {
            return null;
        }

        return Compose(subscriber, $"退订《{options.Value.Title}》 / Unsubscribe from {options.Value.Title}", $"""
            您好:

            我们收到一封以您的地址发来的退订邮件。如果确要退订《{options.Value.Title}》,请打开下面的链接并点击“退订”:
            {links.Unsubscribe(subscriber.Id)}

            如果不是您本人,请忽略本邮件,您的订阅不变。

            We received a mail from your address asking to unsubscribe. To unsubscribe, open the link above and press the button. If it was not you, ignore this message: nothing changes.
            """);
    }

    // A confirmation mail: an automatic reply (RFC 3834) from the bulletin to the subscriber.
    private MimeMessage Compose(Subscriber subscriber, string subject, string text)
    {
        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(outbound.Value.Domain),
            Date = time.GetUtcNow(),
            Body = new TextPart("plain") { Text = text },
        };
        message.From.Add(new MailboxAddress(options.Value.Title, outbound.Value.From));
        message.To.Add(new MailboxAddress(subscriber.Name ?? string.Empty, subscriber.Email));
        message.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
        return message;
    }

    // One confirmation mail per address per day, and the day's cap for all: reserved before the mail is composed.
    private async Task<bool> ReserveAsync(string email, string kind, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var day = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var today = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM confirmation_mail WHERE day = @day", new { day }, transaction, cancellationToken: cancellationToken));
        if (today >= options.Value.MaxConfirmationsPerDay)
        {
            LogCapReached(options.Value.MaxConfirmationsPerDay, email);
            return false;
        }

        var reserved = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO confirmation_mail (email, day, kind, sent_at) VALUES (@email, @day, @kind, @now) ON CONFLICT DO NOTHING",
            new { email = SubscriberStore.Normalize(email), day, kind, now }, transaction, cancellationToken: cancellationToken)) == 1;
        await transaction.CommitAsync(cancellationToken);
        return reserved;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The day's cap of {Cap} confirmation mails (Digest:MaxConfirmationsPerDay) is reached: the subscribe form or mail commands are being abused; refused a confirmation to {Email}")]
    private partial void LogCapReached(int cap, string email);
}
