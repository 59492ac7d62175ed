namespace BulletinMail.Features.Review;

public static class ReviewServiceCollectionExtensions
{
    /// <summary>The editors' side: the entries and their queue, the unit board, reminders, the work waiting.</summary>
    public static IServiceCollection AddReview(this IServiceCollection services)
    {
        services.AddSingleton<EntryStore>();
        services.AddSingleton<ReviewQueueLoader>();
        services.AddSingleton<UnitBoard>();
        services.AddSingleton<Reminders>();
        services.AddSingleton<WorkWaiting>();
        return services;
    }
}
