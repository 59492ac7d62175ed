using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Features.Digest;

/// <summary>
/// Subscribing and unsubscribing by mail to the submission address (subject 订阅 / subscribe,
/// 退订 / unsubscribe; also what List-Unsubscribe's mailto sends). A From header proves
/// nothing: a subscription waits for the confirmation link mailed to that address (double
/// opt-in), and an unsubscribe is refused when our MTA says the sender failed authentication.
/// </summary>
public sealed class SubscriptionMail(
    SubscriberStore subscribers,
    SubscriptionConfirmations confirmations,
    IOptions<IntakeOptions> intake)
{
    private static readonly string[] SubscribeWords = ["订阅", "subscribe"];
    private static readonly string[] UnsubscribeWords = ["退订", "取消订阅", "unsubscribe"];

    /// <returns>What was done, for the submission's reason, and the mail it answers with (queued with the
    /// submission's outcome); null when the message is not a subscription request.</returns>
    public async Task<MailCommandResult?> HandleAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subject = (message.Subject ?? string.Empty).Trim().TrimEnd('。', '.', '!', '!');
        var from = message.From.Mailboxes.FirstOrDefault();
        var unsubscribe = UnsubscribeWords.Any(w => subject.Equals(w, StringComparison.OrdinalIgnoreCase));
        var subscribe = !unsubscribe && SubscribeWords.Any(w => subject.Equals(w, StringComparison.OrdinalIgnoreCase));
        if ((!subscribe && !unsubscribe) || from is null || !SubscriberStore.IsAddress(from.Address))
        {
            return null;
        }

        if (SenderTrust.FailedAuthentication(message, intake.Value.AuthServId) is { } untrusted)
        {
            return new($"a subscription request not acted on: {untrusted}");
        }

        if (unsubscribe)
        {
            return new(await subscribers.RemoveAsync(from.Address, $"mail:{from.Address}", cancellationToken)
                ? $"{from.Address} unsubscribed by mail"
                : $"an unsubscribe request from {from.Address}, who is not subscribed");
        }

        var confirmation = await confirmations.PrepareAsync(from.Address, from.Name, "mail", cancellationToken);
        return new($"a subscription request from {from.Address}: {(confirmation is null ? "already subscribed" : "confirmation mailed")}", confirmation);
    }
}

/// <summary>What a mail command did (for the submission's reason) and the mail that answers it, if any.</summary>
public sealed record MailCommandResult(string Reason, MimeMessage? Reply = null);

/// <summary>Double opt-in: a pending subscriber gets a mail with a signed link that expires; following it (and confirming) activates them.</summary>
public sealed class SubscriptionConfirmations(
    SubscriberStore subscribers,
    SigningKeys keys,
    BulletinMessages messages,
    OutgoingMail queue,
    IOptions<DigestOptions> options,
    IOptions<OutboundOptions> outbound,
    TimeProvider time)
{
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
        var subscriber = await subscribers.RequestAsync(email, name, source, cancellationToken);
        if (subscriber.Status == SubscriberStatus.Active)
        {
            return null;
        }

        var link = $"{messages.PublicUrl}/subscribe/confirm?token={keys.Confirm(subscriber.Email, time.GetUtcNow() + LinkLifetime)}";
        var message = new MimeMessage
        {
            Subject = $"请确认订阅《{options.Value.Title}》 / Please confirm your subscription",
            MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(messages.Domain),
            Date = time.GetUtcNow(),
            Body = new TextPart("plain")
            {
                Text = $"""
                    您好:

                    有人(希望是您)用这个地址订阅了《{options.Value.Title}》。请在 3 天内打开下面的链接确认:
                    {link}

                    如果不是您本人,请忽略本邮件,您不会收到任何简报。

                    Someone (we hope you) subscribed this address to {options.Value.Title}. To confirm, open the link above within 3 days. If it was not you, ignore this message.
                    """,
            },
        };
        message.From.Add(new MailboxAddress(options.Value.Title, outbound.Value.From));
        message.To.Add(new MailboxAddress(subscriber.Name ?? string.Empty, subscriber.Email));
        message.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
        return message;
    }
}
