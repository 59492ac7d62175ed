using BulletinMail.Features.Accounts;
using BulletinMail.Features.Audit;

namespace BulletinMail.Features.Review;

public static class ReviewServiceCollectionExtensions
{
    /// <summary>The editors' side: accounts, the queue, the unit board, reminders and the audit log.</summary>
    public static IServiceCollection AddReview(this IServiceCollection services)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton<ReviewQueueLoader>();
        services.AddSingleton<UnitBoard>();
        services.AddSingleton<Reminders>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<Reparse>();
        services.AddSingleton<WorkWaiting>();
        return services;
    }
}
