
namespace BulletinMail.Hosting;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>The worker's start-up summary (its parts register and validate their own options).</summary>
    public static IServiceCollection AddStartupSummary(this IServiceCollection services)
    {
        services.AddHostedService<StartupSummary>();
        return services;
    }
}
