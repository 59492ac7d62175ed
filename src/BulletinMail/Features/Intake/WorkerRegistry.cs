using BulletinMail.Data;
using BulletinMail.Platform;
using Dapper;

namespace BulletinMail.Features.Intake;

/// <summary>
/// The <c>run</c> workers sharing the database, for <c>/healthz</c>: each beats every
/// <see cref="BeatEvery"/>; one silent for <see cref="AliveWithin"/> is not counted, and its row
/// goes after <see cref="ForgetAfter"/>, so the table stays as small as the fleet. This process's
/// id (<c>host:pid:run</c>, as a sender's) is also the holder of the mailbox lease it takes.
/// </summary>
public sealed class WorkerRegistry(DbConnectionFactory connections, TimeProvider time)
{
    /// <summary>How often a worker says it is alive (and looks for an abandoned poll).</summary>
    public static readonly TimeSpan BeatEvery = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan AliveWithin = 3 * BeatEvery;

    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly DateTimeOffset startedAt = time.GetUtcNow();

    /// <summary>This process as a worker, and as a mailbox lease's holder.</summary>
    public string Self { get; } = LeaseHolderIdentity.New();

    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO workers (id, host, pid, started_at, heartbeat_at) VALUES (@Self, @host, @pid, @startedAt, @now)
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at;
            DELETE FROM workers WHERE heartbeat_at < @forget;
            """,
            new { Self, host = Environment.MachineName, pid = (long)Environment.ProcessId, startedAt, now, forget = now - ForgetAfter },
            cancellationToken: cancellationToken));
    }

    /// <summary>A worker stopping says so, and is no longer counted.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM workers WHERE id = @Self", new { Self }, cancellationToken: cancellationToken));
    }

    public async Task<long> CountAliveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM workers WHERE heartbeat_at >= @since", new { since = time.GetUtcNow() - AliveWithin }, cancellationToken: cancellationToken));
    }
}
