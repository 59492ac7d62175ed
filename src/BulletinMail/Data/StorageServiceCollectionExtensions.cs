using Dapper;

namespace BulletinMail.Data;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The database: options, connection factory, migrations (applied at start-up) and Dapper's type handlers.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        DapperTypeHandlers.Register();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DbConnectionFactory>();
        services.AddSingleton<MigrationRunner>();
        return services;
    }
}
