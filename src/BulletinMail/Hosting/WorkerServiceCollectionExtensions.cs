using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;

namespace BulletinMail.Hosting;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>The options of the worker's parts, validated at start so that bad config stops it with a clear message.</summary>
    public static IServiceCollection AddWorkerOptions(this IServiceCollection services)
    {
        services.AddOptions<MailboxOptions>().BindConfiguration(MailboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<StartupSummary>();
        return services;
    }
}
