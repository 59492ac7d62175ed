using System.Reflection;
using Dapper;

namespace BulletinMail.Data;

/// <summary>
/// Applies the numbered SQL scripts of the provider, embedded from <c>Data/Migrations/Sqlite</c> or
/// <c>Data/Migrations/Postgres</c> (<c>NNNN_name.sql</c>), in order, each in its own transaction
/// with its row in <c>schema_migrations</c>, so a crash leaves either all of a script or none of it.
/// Idempotent: applied scripts are skipped. Workers starting together take turns (the dialect's
/// lock), and each reads what was applied only once it has its turn: the schema is migrated once.
/// </summary>
public sealed partial class MigrationRunner(DbConnectionFactory connections, TimeProvider time, ILogger<MigrationRunner> logger)
{

    private const string SelectApplied = "SELECT version FROM schema_migrations";

    private const string InsertApplied = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)";

    /// <exception cref="DiskFullException">The data folder's disk has no room (SQLite cannot even make its shared-memory file).</exception>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MigrateOnceAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not DiskFullException && Durability.IsDiskFull(ex, connections.DataDirectory))
        {
            throw new DiskFullException(Durability.DescribeDiskFull(connections.DataDirectory), ex);
        }
    }

    private async Task MigrateOnceAsync(CancellationToken cancellationToken)
    {
        var dialect = connections.Dialect;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var migrationLock = await dialect.LockMigrationsAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {dialect.InstantType} NOT NULL)",
            cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(SelectApplied, cancellationToken: cancellationToken))).ToHashSet();
        foreach (var (version, name, sql) in Scripts(dialect))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                InsertApplied,
                new { Version = version, Name = name, AppliedAt = time.GetUtcNow() },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            LogApplied(version, name);
        }
    }

    // The scripts of the dialect, embedded from Data/Migrations/Sqlite or Data/Migrations/Postgres.
    private static IEnumerable<(long Version, string Name, string Sql)> Scripts(SqlDialect dialect)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"BulletinMail.Data.Migrations.{dialect.Provider}.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..^".sql".Length];
            var version = long.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (version, name, reader.ReadToEnd());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied database migration {Version} ({Name})")]
    private partial void LogApplied(long version, string name);
}
