using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Digest;

public static class DigestServiceCollectionExtensions
{
    /// <summary>The bulletin: compiling, subscribers, delivery (SMTP pool or outbox), bounces and the schedule.</summary>
    public static IServiceCollection AddDigest(this IServiceCollection services)
    {
        services.AddCheckedOptions<DigestOptions>(DigestOptions.Section);
        services.AddSingleton<BulletinCompiler>();
        services.AddSingleton<BulletinRenderer>();
        services.AddSingleton<IssueStore>();
        services.AddSingleton<EditorialStore>();
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<SubscriberImports>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<BulletinMessages>();
        services.AddSingleton<DigestWorkflow>();
        services.AddSingleton<BulletinSender>();
        services.AddSingleton<BounceHandler>();
        services.AddSingleton<DigestSchedule>();
        services.AddSingleton<SubscriptionMail>();
        services.AddSingleton<SubscriptionConfirmations>();
        return services;
    }
}
