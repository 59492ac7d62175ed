using BulletinMail.Data;
using BulletinMail.Platform;
using Dapper;

namespace BulletinMail.Features.Intake;

/// <summary>Who polls a mailbox: the holder, and whether it polls now (a live lease) or polled last.</summary>
public sealed record MailboxHolder(string Holder, DateTimeOffset TakenAt, DateTimeOffset? ExpiresAt)
{
    public bool Polling(DateTimeOffset now) => ExpiresAt is { } expires && expires > now;
}

/// <summary>
/// One worker polls a mailbox at a time (issue 14): a poll takes the mailbox's lease row, renews it
/// every <see cref="RenewEvery"/> while it polls, checks it before each batch is committed, and
/// releases it at the end. A worker killed mid-poll leaves a lease that expires
/// <see cref="Duration"/> after its last renewal; the others look every
/// <see cref="WorkerRegistry.BeatEvery"/> and one takes over, so a dead poller is replaced within
/// <see cref="TakeoverWithin"/> (on the same host at the next look: its process is gone).
/// A row, not a PostgreSQL advisory lock, so that it works the same on SQLite (several processes
/// on one machine) and names its holder for <c>/healthz</c>. Intake is idempotent without it (the
/// submissions' keys: place and Message-ID); the lease saves two workers downloading the same
/// messages and racing to flag and move them.
/// </summary>
public sealed class MailboxLease(DbConnectionFactory connections, TimeProvider time)
{
    /// <summary>How long a lease lasts without renewal.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    /// <summary>How often a polling worker renews its lease.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);

    /// <summary>The longest a mailbox goes unpolled after its poller died: the lease runs out, then the next look.</summary>
    public static readonly TimeSpan TakeoverWithin = Duration + WorkerRegistry.BeatEvery;

    private const string Claim = """
        UPDATE mailbox_leases SET holder = @holder, taken_at = @now, expires_at = @until
        WHERE mailbox = @mailbox AND (expires_at IS NULL OR expires_at <= @now OR holder = @holder OR holder = @gone)
        """;

    /// <summary>Takes the mailbox's lease if it is free, expired, ours, or held by a process of this host that is gone.</summary>
    public async Task<bool> TryTakeAsync(string mailbox, string holder, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        var parameters = new { mailbox, holder, now, until = now + Duration, gone = (string?)null };
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO mailbox_leases (mailbox, holder, taken_at) VALUES (@mailbox, @holder, @now) ON CONFLICT (mailbox) DO NOTHING", parameters, cancellationToken: cancellationToken));
        if (await connection.ExecuteAsync(new CommandDefinition(Claim, parameters, cancellationToken: cancellationToken)) == 1)
        {
            return true;
        }

        // Held: by a process of this host that was killed, it is taken at once, and only from that holder.
        var current = await ReadAsync(connection, mailbox, cancellationToken);
        return current is not null && LeaseHolderIdentity.IsGone(current.Holder)
            && await connection.ExecuteAsync(new CommandDefinition(Claim, parameters with { gone = current.Holder }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Extends the holder's lease; false when it is no longer the holder (another took over).</summary>
    public async Task<bool> RenewAsync(string mailbox, string holder, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mailbox_leases SET expires_at = @until WHERE mailbox = @mailbox AND holder = @holder AND expires_at IS NOT NULL",
            new { mailbox, holder, until = now + Duration }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Ends the holder's poll: the mailbox is free, and remembers who polled it last.</summary>
    public async Task ReleaseAsync(string mailbox, string holder, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mailbox_leases SET expires_at = NULL WHERE mailbox = @mailbox AND holder = @holder", new { mailbox, holder }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether a poll was left unfinished: a holder whose lease ran out, or whose process on this host is gone.</summary>
    public async Task<bool> IsAbandonedAsync(string mailbox, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(mailbox, cancellationToken);
        return current is { ExpiresAt: not null } && (!current.Polling(time.GetUtcNow()) || LeaseHolderIdentity.IsGone(current.Holder));
    }

    public async Task<MailboxHolder?> ReadAsync(string mailbox, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await ReadAsync(connection, mailbox, cancellationToken);
    }

    private static Task<MailboxHolder?> ReadAsync(System.Data.Common.DbConnection connection, string mailbox, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<MailboxHolder>(new CommandDefinition(
            "SELECT holder AS Holder, taken_at AS TakenAt, expires_at AS ExpiresAt FROM mailbox_leases WHERE mailbox = @mailbox", new { mailbox }, cancellationToken: cancellationToken));
}
