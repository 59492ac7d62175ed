using System.Security.Cryptography;
using System.Text;
using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Subscribers;

/// <summary>
/// Signs and checks the tokens in links and return addresses (HMAC-SHA256): unsubscribe links,
/// subscription confirmations (with an expiry), and the VERP bounce address of each delivery.
/// The key is <c>Digest:SigningKey</c> from the environment; without one, a random key is made
/// once and kept in <c>data/keys/signing.key</c>, so links stay valid across restarts.
/// </summary>
public sealed class SigningKeys
{
    private readonly byte[] key;

    public SigningKeys(IOptions<SubscriberOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        key = options.Value.SigningKey is { Length: > 0 } configured
            ? Encoding.UTF8.GetBytes(configured)
            : LoadOrCreate(Path.Combine(AppPaths.DataDirectory(configuration), "keys", "signing.key"));
    }

    /// <summary>The token of a subscriber's unsubscribe link.</summary>
    public string Unsubscribe(long subscriberId) => $"{subscriberId}.{Mac($"unsubscribe:{subscriberId}", 16)}";

    public bool TryReadUnsubscribe(string? token, out long subscriberId)
    {
        subscriberId = 0;
        var parts = token?.Split('.') ?? [];
        return parts.Length == 2 && long.TryParse(parts[0], out subscriberId) && Same(parts[1], Mac($"unsubscribe:{subscriberId}", 16));
    }

    /// <summary>The token of a subscription confirmation link, valid until <paramref name="expires"/>.</summary>
    public string Confirm(string email, DateTimeOffset expires)
    {
        var address = Base64Url(Encoding.UTF8.GetBytes(email));
        var until = expires.ToUnixTimeSeconds();
        return $"{address}.{until}.{Mac($"confirm:{email}:{until}", 16)}";
    }

    /// <returns>False when the token is forged, damaged or expired.</returns>
    public bool TryReadConfirm(string? token, DateTimeOffset now, out string email)
    {
        email = string.Empty;
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 3 || !long.TryParse(parts[1], out var until) || until < now.ToUnixTimeSeconds())
        {
            return false;
        }

        try
        {
            email = Encoding.UTF8.GetString(Convert.FromBase64String(parts[0].Replace('-', '+').Replace('_', '/').PadRight((parts[0].Length + 3) / 4 * 4, '=')));
        }
        catch (FormatException)
        {
            return false;
        }

        return Same(parts[2], Mac($"confirm:{email}:{until}", 16));
    }

    /// <summary>The local part of a delivery's VERP return address: <c>bounces+ISSUE-SUBSCRIBER-MAC</c>.</summary>
    public string BounceLocalPart(long issueId, long subscriberId) =>
        $"bounces+{issueId}-{subscriberId}-{Mac($"bounce:{issueId}:{subscriberId}", 8).ToLowerInvariant()}";

    public bool TryReadBounce(string? localPart, out long issueId, out long subscriberId)
    {
        issueId = subscriberId = 0;
        if (localPart is null || !localPart.StartsWith("bounces+", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var parts = localPart["bounces+".Length..].Split('-', 3); // the MAC (base64url) may hold a '-' itself
        return parts.Length == 3 && long.TryParse(parts[0], out issueId) && long.TryParse(parts[1], out subscriberId)
            && Same(parts[2].ToLowerInvariant(), Mac($"bounce:{issueId}:{subscriberId}", 8).ToLowerInvariant());
    }

    private string Mac(string message, int bytes) => Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message)).AsSpan(0, bytes));

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(expected));

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fresh = RandomNumberGenerator.GetBytes(32);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, fresh);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temp, path, overwrite: false);
            return fresh;
        }
        catch (IOException)
        {
            File.Delete(temp); // another process made it first: use theirs
            return File.ReadAllBytes(path);
        }
    }
}
