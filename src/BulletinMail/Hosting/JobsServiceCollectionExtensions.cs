using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Platform;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;

namespace BulletinMail.Hosting;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire with its storage (SQLite: <c>hangfire.db</c> in the data folder; PostgreSQL: the
    /// <c>hangfire</c> schema of the product's database), the database
    /// brought up to date before any job runs, the recurring poll, and the IMAP IDLE listener.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var data = AppPaths.DataDirectory(configuration);
        DataFolder.MakePrivate(data);

        // Hosted services start in order: the schema first, then the scheduler that uses it.
        services.AddHostedService<DatabaseStartup>();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new();
        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();

            // A job enqueued from the web UI (a send) should start within a second or two, not the default 15.
            var poll = TimeSpan.FromSeconds(1);
            if (storage.Provider == SqlDialect.Postgres.Provider)
            {
                // Every worker on the one database shares the jobs; Hangfire keeps its tables in a schema of its own.
                config.UsePostgreSqlStorage(
                    connection => connection.UseNpgsqlConnection(storage.ConnectionString),
                    new PostgreSqlStorageOptions { SchemaName = "hangfire", QueuePollInterval = poll, PrepareSchemaIfNecessary = true });
            }
            else
            {
                config.UseSQLiteStorage(Path.Combine(data, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = poll });
            }
        });
        services.AddHangfireServer(options => options.WorkerCount = 2);
        services.AddHostedService<RecurringJobs>();
        services.AddHostedService<OutgoingMailService>();
        services.AddTransient<Features.Bulletins.DigestJobs>();
        services.AddSingleton<ImapIdleListener>();
        services.AddHostedService<ImapIdleService>();
        services.AddHostedService<WorkerHeartbeatService>();
        return services;
    }

    private sealed class DatabaseStartup(DatabaseInitializer initializer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => initializer.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
