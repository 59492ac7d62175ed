using System.Data.Common;
using BulletinMail.Platform;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.Extensions.Options;

namespace BulletinMail.Data;

/// <summary>
/// Opens connections to the database of <c>Storage:Provider</c>: SQLite (<c>bulletinmail.db</c> in
/// the data folder, a busy timeout and foreign keys on every connection; WAL is set once by the
/// migrations), or PostgreSQL (<c>Storage:ConnectionString</c>, pooled by Npgsql's data source).
/// </summary>
public sealed class DbConnectionFactory : IDisposable
{
    private readonly string connectionString = string.Empty;
    private readonly NpgsqlDataSource? postgres;

    public DbConnectionFactory(IOptions<StorageOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);

        DataDirectory = AppPaths.DataDirectory(configuration);
        DataFolder.MakePrivate(DataDirectory);
        if (options.Value.Provider == SqlDialect.Postgres.Provider)
        {
            Dialect = SqlDialect.Postgres;
            postgres = NpgsqlDataSource.Create(options.Value.ConnectionString!);
            return;
        }

        Dialect = SqlDialect.Sqlite;
        var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString ?? string.Empty);
        if (string.IsNullOrEmpty(builder.DataSource))
        {
            builder.DataSource = Path.Combine(DataDirectory, "bulletinmail.db");
        }

        builder.Pooling = true;
        builder.ForeignKeys = true;
        builder.DefaultTimeout = 30;
        connectionString = builder.ToString();
    }

    /// <summary>The data folder: database (SQLite), originals, outbox.</summary>
    public string DataDirectory { get; }

    public SqlDialect Dialect { get; }

    /// <exception cref="DbException">The database cannot be opened.</exception>
    /// <exception cref="DiskFullException">Not for want of room on its disk.</exception>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (postgres is not null)
        {
            return await postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await Dialect.PrepareAsync(connection, cancellationToken);
            return connection;
        }
        catch (Exception ex) when (Durability.IsDiskFull(ex, DataDirectory))
        {
            await connection.DisposeAsync();
            throw new DiskFullException(Durability.DescribeDiskFull(DataDirectory), ex);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => postgres?.Dispose();
}
