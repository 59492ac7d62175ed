using BulletinMail.Features.Subscribers;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Features.Bulletins;

/// <summary>
/// Delivery reports (DSNs) that come back to the submission mailbox: each bulletin went out
/// with a VERP return address, <c>bounces+ISSUE-SUBSCRIBER-MAC@domain</c>, so the report's
/// recipient says whose delivery failed; the MAC means a forged report cannot suspend anyone.
/// A permanent failure (5.x.x) fails the delivery and counts a hard bounce; a delay report is noted only.
/// </summary>
public sealed partial class BounceHandler(SigningKeys keys, DeliveryStore deliveries, SubscriberStore subscribers, IOptions<DigestOptions> options, ILogger<BounceHandler> logger)
{
    // Where the VERP address survives delivery: the report's To (our envelope sender), or what the MTA added.
    private static readonly string[] RecipientHeaders = ["Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To"];

    /// <returns>What the report was, for the submission's reason; null when it is not a report on one of our deliveries.</returns>
    public async Task<string?> HandleAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TryFindDelivery(message, out var issueId, out var subscriberId))
        {
            return null;
        }

        var (permanent, status) = ReadStatus(message);
        if (!permanent)
        {
            return $"a delay report for subscriber {subscriberId} (issue {issueId}): {status}";
        }

        if (await deliveries.MarkBouncedAsync(issueId, subscriberId, $"bounced: {status}", cancellationToken))
        {
            var suspended = await subscribers.RecordHardBounceAsync(subscriberId, options.Value.HardBounceLimit, status, cancellationToken);
            LogBounce(subscriberId, issueId, status, suspended);
        }

        return $"a bounce for subscriber {subscriberId} (issue {issueId}): {status}";
    }

    private bool TryFindDelivery(MimeMessage message, out long issueId, out long subscriberId)
    {
        issueId = subscriberId = 0;
        foreach (var name in RecipientHeaders)
        {
            foreach (var header in message.Headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var address in InternetAddressList.TryParse(header.Value, out var list) ? list.Mailboxes.Select(m => m.Address) : [header.Value.Trim('<', '>', ' ')])
                {
                    var local = address.Split('@')[0];
                    if (keys.TryReadBounce(local, out issueId, out subscriberId))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    // The DSN's per-recipient Action and Status (RFC 3464); without one, a report is taken as permanent only if it says 5.x.x.
    private static (bool Permanent, string Status) ReadStatus(MimeMessage message)
    {
        foreach (var part in message.BodyParts.OfType<MessageDeliveryStatus>())
        {
            foreach (var group in part.StatusGroups.Skip(1))
            {
                var action = group["Action"]?.Trim().ToLowerInvariant();
                var status = group["Status"]?.Trim() ?? string.Empty;
                var diagnostic = group["Diagnostic-Code"]?.Trim();
                var text = diagnostic is null ? status : $"{status} {diagnostic}";
                return (action == "failed" || status.StartsWith('5'), text);
            }
        }

        var body = message.TextBody ?? string.Empty;
        var code = System.Text.RegularExpressions.Regex.Match(body, @"\b([45]\.\d{1,3}\.\d{1,3})\b");
        return (code.Success && code.Value.StartsWith('5'), code.Success ? code.Value : "no delivery status");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bounce for subscriber {SubscriberId} (issue {IssueId}): {Status}; suspended: {Suspended}")]
    private partial void LogBounce(long subscriberId, long issueId, string status, bool suspended);
}
