using System.Data.Common;
using BulletinMail.Data;
using Dapper;

namespace BulletinMail.Features.Accounts;

/// <summary>
/// Slows down guessing instead of locking owners out (issue 15): after <see cref="FreeFailures"/>
/// failed sign-ins in a row, an account name or a client address must wait before its next attempt,
/// 1 s doubling per failure, up to a minute for a name (its owner waits at most that) and 15 minutes
/// for an address. Kept in the database: workers share it and a restart keeps it.
/// </summary>
public static class SignInThrottle
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan MaxNameDelay = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxAddressDelay = TimeSpan.FromMinutes(15);

    // A day without failures forgets them (and bounds the table that names tried at random fill).
    private static readonly TimeSpan Memory = TimeSpan.FromDays(1);

    public static string NameKey(string name) => $"name:{(name.Length > UserStore.MaxNameLength ? name[..UserStore.MaxNameLength] : name)}";

    public static string AddressKey(string? address) => $"ip:{address ?? "unknown"}";

    public static TimeSpan Delay(string key, long failures)
    {
        if (failures < FreeFailures)
        {
            return TimeSpan.Zero;
        }

        var cap = key.StartsWith("name:", StringComparison.Ordinal) ? MaxNameDelay : MaxAddressDelay;
        var seconds = Math.Pow(2, Math.Min(failures - FreeFailures, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, cap.TotalSeconds));
    }

    /// <summary>Whether any of the keys must still wait.</summary>
    public static async Task<bool> IsWaitingAsync(DbConnection connection, string[] keys, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM sign_in_failures WHERE {SqlDialect.Of(connection).IsIn("key", "@keys")} AND not_before > @now", new { keys, now }, cancellationToken: cancellationToken)) > 0;

    /// <summary>Counts a failure against the name and the address; returns the name's failures in a row.</summary>
    public static async Task<long> RecordFailureAsync(DbConnection connection, string nameKey, string addressKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string Forget = "DELETE FROM sign_in_failures WHERE last_failure_at < @before";
        await connection.ExecuteAsync(new CommandDefinition(Forget, new { before = now - Memory }, cancellationToken: cancellationToken));
        await CountAsync(connection, addressKey, now, cancellationToken);
        return await CountAsync(connection, nameKey, now, cancellationToken);
    }

    public static Task<int> ClearAsync(DbConnection connection, string[] keys, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition($"DELETE FROM sign_in_failures WHERE {SqlDialect.Of(connection).IsIn("key", "@keys")}", new { keys }, cancellationToken: cancellationToken));

    private static async Task<long> CountAsync(DbConnection connection, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string Count = """
            INSERT INTO sign_in_failures (key, failures, last_failure_at, not_before) VALUES (@key, 1, @now, @now)
            ON CONFLICT (key) DO UPDATE SET failures = sign_in_failures.failures + 1, last_failure_at = @now
            RETURNING failures
            """;
        const string Wait = "UPDATE sign_in_failures SET not_before = @notBefore WHERE key = @key";
        var failures = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Count, new { key, now }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Wait, new { key, notBefore = now + Delay(key, failures) }, cancellationToken: cancellationToken));
        return failures;
    }
}
