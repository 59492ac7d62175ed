using MimeKit;
using MimeKit.Cryptography;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Whether the sender is who the From header says: only our own MTA's Authentication-Results
/// (RFC 8601), recognised by its configured authserv-id, are believed; any other such header could
/// have been written by the sender.
/// </summary>
public static class SenderTrust
{
    /// <summary>The reason to hold the message, or null when nothing failed.</summary>
    public static string? FailedAuthentication(MimeMessage message, string? authServId)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(authServId))
        {
            return null;
        }

        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.AuthenticationResults))
        {
            if (!AuthenticationResults.TryParse(header.RawValue, out var results)
                || !string.Equals(results.AuthenticationServiceIdentifier, authServId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var result in results.Results)
            {
                if (result.Method.ToLowerInvariant() is "dkim" or "spf" or "dmarc"
                    && result.Result.ToLowerInvariant() is "fail" or "permerror" or "softfail")
                {
                    return $"sender authentication failed ({result.Method}={result.Result}); an editor must confirm it";
                }
            }
        }

        return null;
    }
}
