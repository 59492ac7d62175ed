using MimeKit;
using MimeKit.Cryptography;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Whether the sender is who the From header says. Only our own MTA's Authentication-Results
/// (RFC 8601), recognised by its configured authserv-id, are believed (any other such header could
/// have been written by the sender), and what they vouch for must be the From address's domain:
/// a DMARC, DKIM or SPF pass for another domain (the attacker's own) proves nothing about it.
/// </summary>
public static class SenderTrust
{
    /// <summary>The reason to hold the message, or null when its sender is confirmed (or no authserv-id is configured).</summary>
    public static string? FailedAuthentication(MimeMessage message, string? authServId)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(authServId))
        {
            return null;
        }

        var fromDomain = message.From.Mailboxes.Count() == 1 ? message.From.Mailboxes.Single().Domain.ToLowerInvariant() : null;
        var vouchedFor = new List<string>();
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.AuthenticationResults))
        {
            if (!AuthenticationResults.TryParse(header.RawValue, out var results)
                || !string.Equals(results.AuthenticationServiceIdentifier, authServId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var result in results.Results)
            {
                var method = result.Method.ToLowerInvariant();
                var outcome = result.Result.ToLowerInvariant();
                if (method is "dkim" or "spf" or "dmarc" && outcome is "fail" or "permerror" or "softfail")
                {
                    return $"sender authentication failed ({result.Method}={result.Result}); an editor must confirm it";
                }

                if (method is "dkim" or "spf" or "dmarc" && outcome == "pass")
                {
                    vouchedFor.AddRange(result.Properties
                        .Where(p => p.PropertyType is "header" or "smtp" && p.Property is "from" or "d" or "i" or "mailfrom")
                        .Select(p => p.Value.Split('@')[^1].Trim().ToLowerInvariant()));
                }
            }
        }

        if (fromDomain is null)
        {
            return "the From header does not name exactly one sender; an editor must confirm it";
        }

        if (vouchedFor.Any(domain => Aligned(fromDomain, domain)))
        {
            return null;
        }

        return vouchedFor.Count == 0
            ? $"our mail server ({authServId}) confirmed no sender for {fromDomain}; an editor must confirm it"
            : $"our mail server ({authServId}) confirmed {string.Join(", ", vouchedFor.Distinct())}, not the From domain {fromDomain}; an editor must confirm it";
    }

    // Relaxed alignment (RFC 7489): the same domain, or one a subdomain of the other (never a bare TLD).
    private static bool Aligned(string fromDomain, string domain)
    {
        if (fromDomain == domain)
        {
            return true;
        }

        return domain.Contains('.', StringComparison.Ordinal)
            && (fromDomain.EndsWith('.' + domain, StringComparison.Ordinal) || domain.EndsWith('.' + fromDomain, StringComparison.Ordinal));
    }
}
