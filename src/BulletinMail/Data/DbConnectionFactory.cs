using System.Data.Common;
using BulletinMail.Platform;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace BulletinMail.Data;

/// <summary>
/// Opens connections to the database: SQLite (<c>bulletinmail.db</c> in the data folder) with a
/// busy timeout and foreign keys on every connection; WAL is set once by the migrations.
/// </summary>
public sealed class DbConnectionFactory
{
    private readonly string connectionString;

    public DbConnectionFactory(IOptions<StorageOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);

        DataDirectory = AppPaths.DataDirectory(configuration);
        DataFolder.MakePrivate(DataDirectory);
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

    /// <summary>The data folder: database, originals, outbox.</summary>
    public string DataDirectory { get; }

    /// <exception cref="SqliteException">The database cannot be opened.</exception>
    /// <exception cref="DiskFullException">Not for want of room on its disk.</exception>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Writers wait for each other instead of failing at once (several workers, the CLI beside the worker).
            // In WAL mode, synchronous=NORMAL syncs at checkpoints rather than every commit: a killed
            // process loses nothing committed; against a power cut, intake flushes each batch to disk
            // before the mailbox lets it go (Durability.FlushFileSystem).
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
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
}
