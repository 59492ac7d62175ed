using BulletinMail.Features.Parsing;
using BulletinMail.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Features.Units;

public static class UnitsServiceCollectionExtensions
{
    /// <summary>The units' store, and the unit registry from <c>Units:File</c> (default <c>units.json</c> beside the config file).</summary>
    public static IServiceCollection AddUnits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ =>
        {
            var configured = configuration["Units:File"];
            var path = AppPaths.ConfigRelativePath(configuration, configured ?? "units.json");
            if (!File.Exists(path))
            {
                return configured is null
                    ? UnitRegistry.Empty
                    : throw new InvalidDataException($"Units:File names {configured}, which does not exist");
            }

            return UnitRegistry.Load(path);
        });
        services.AddSingleton<UnitStore>();
        return services.AddSingleton<IKnownUnits>(sp => sp.GetRequiredService<UnitRegistry>());
    }
}
