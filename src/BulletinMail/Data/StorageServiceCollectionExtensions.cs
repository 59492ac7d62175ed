using BulletinMail.Platform;
using Dapper;

namespace BulletinMail.Data;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The database: options, connection factory, migrations (applied at start-up) and Dapper's type handlers.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        DapperTypeHandlers.Register();
        services.AddCheckedOptions<StorageOptions>(StorageOptions.Section);
        services.AddSingleton<DbConnectionFactory>();
        services.AddSingleton<MigrationRunner>();
        return services;
    }
}
