using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BulletinMail.Data;

/// <summary>
/// Where SQLite and PostgreSQL differ, in one place: how a connection is prepared, which
/// migrations apply and how they are kept to one runner at a time, the type of an instant, what a
/// broken unique key looks like, and the few functions the two spell differently. All other SQL
/// is written in the subset both understand.
/// </summary>
public abstract class SqlDialect
{
    public static SqlDialect Sqlite { get; } = new SqliteDialect();

    public static SqlDialect Postgres { get; } = new PostgresDialect();

    /// <summary>The dialect of an open connection, for code handed a connection rather than the factory.</summary>
    public static SqlDialect Of(DbConnection connection) => connection is NpgsqlConnection ? Postgres : Sqlite;

    /// <summary>The value of <c>Storage:Provider</c>; also the folder of its migrations (<c>Data/Migrations/Sqlite</c>, <c>Postgres</c>).</summary>
    public abstract string Provider { get; }

    /// <summary>The column type of an instant (always UTC).</summary>
    public abstract string InstantType { get; }

    /// <summary>The larger of two values (a scalar, not the aggregate).</summary>
    public abstract string Greatest(string a, string b);

    /// <summary>
    /// Appended to a SELECT that a transaction reads before it writes what it read: PostgreSQL
    /// locks the rows (another transaction waits), where SQLite's one writer at a time needs nothing.
    /// </summary>
    public abstract string ForUpdate { get; }

    /// <summary>A property of the JSON object in a text column, as text (the audit log's before and after).</summary>
    public abstract string JsonProperty(string column, string name);

    /// <summary>
    /// "The column is one of the list parameter's values". Dapper expands <c>IN @list</c> into one
    /// parameter per value for SQLite, and hands Npgsql the list whole, as an array: pass an array.
    /// </summary>
    public abstract string IsIn(string column, string listParameter);

    /// <summary>Whether the exception is a unique (or, on SQLite, any) constraint the statement broke.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Settings every new connection needs.</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Holds the migrations to one runner (of every worker starting now) until disposed.</summary>
    public abstract Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken cancellationToken);

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Provider => "sqlite";

        public override string InstantType => "TEXT";

        public override string ForUpdate => string.Empty;

        public override string Greatest(string a, string b) => $"MAX({a}, {b})";

        public override string IsIn(string column, string listParameter) => $"{column} IN {listParameter}";

        public override string JsonProperty(string column, string name) => $"json_extract({column}, '$.{name}')";

        public override bool IsUniqueViolation(Exception exception) => exception is SqliteException { SqliteErrorCode: 19 };

        // Writers wait for each other instead of failing at once (the CLI beside the worker). In WAL
        // mode, synchronous=NORMAL syncs at checkpoints rather than every commit: a killed process
        // loses nothing committed; against a power cut, intake flushes each batch to disk before the
        // mailbox lets it go (Durability.FlushFileSystem).
        public override Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) =>
            connection.ExecuteAsync(new CommandDefinition("PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;", cancellationToken: cancellationToken));

        // One machine, one file: WAL is set once, and SQLite's own write lock orders the runners.
        public override async Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
            return NoLock.Instance;
        }
    }

    private sealed class PostgresDialect : SqlDialect
    {
        // pg_advisory_lock's key for the migrations: any number the product uses for nothing else.
        private const long MigrationLock = 0x42_4D_4D_49_47; // "BMMIG"

        public override string Provider => "postgres";

        public override string InstantType => "TIMESTAMPTZ";

        public override string ForUpdate => " FOR UPDATE";

        public override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

        public override string IsIn(string column, string listParameter) => $"{column} = ANY({listParameter})";

        public override string JsonProperty(string column, string name) => $"(CAST({column} AS JSON) ->> '{name}')";

        public override bool IsUniqueViolation(Exception exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

        public override async Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLock }, cancellationToken: cancellationToken));
            return new AdvisoryLock(connection);
        }

        private sealed class AdvisoryLock(DbConnection connection) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync() =>
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = MigrationLock }));
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static NoLock Instance { get; } = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
