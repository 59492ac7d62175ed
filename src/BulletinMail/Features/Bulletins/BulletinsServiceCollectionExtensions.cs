using BulletinMail.Platform;

namespace BulletinMail.Features.Bulletins;

public static class BulletinsServiceCollectionExtensions
{
    /// <summary>The bulletin: compiling, issues and their corrections, its mail, delivery and bounces, and the monthly schedule.</summary>
    public static IServiceCollection AddBulletins(this IServiceCollection services)
    {
        services.AddCheckedOptions<DigestOptions>(DigestOptions.Section);
        services.AddSingleton<BulletinCompiler>();
        services.AddSingleton<BulletinRenderer>();
        services.AddSingleton<IssueStore>();
        services.AddSingleton<EditorialStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<BulletinMessages>();
        services.AddSingleton<DigestWorkflow>();
        services.AddSingleton<ArchiveCorrections>();
        services.AddSingleton<BulletinSender>();
        services.AddSingleton<BounceHandler>();
        services.AddSingleton<DigestSchedule>();
        return services;
    }
}
