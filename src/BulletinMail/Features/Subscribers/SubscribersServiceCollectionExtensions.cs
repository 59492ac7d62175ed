using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Subscribers;

public static class SubscribersServiceCollectionExtensions
{
    /// <summary>The subscriber list, its imports, double opt-in, mail commands, and the signed links they follow.</summary>
    public static IServiceCollection AddSubscribers(this IServiceCollection services)
    {
        services.AddCheckedOptions<SubscriberOptions>(SubscriberOptions.Section);
        services.AddSingleton<IValidateOptions<SubscriberOptions>, PublicUrlRequired>();
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<SubscriberImports>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<PublicLinks>();
        services.AddSingleton<SubscriptionMail>();
        services.AddSingleton<SubscriptionConfirmations>();
        return services;
    }
}
