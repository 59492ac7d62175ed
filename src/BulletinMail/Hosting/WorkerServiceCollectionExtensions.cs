using BulletinMail.Data;
using BulletinMail.Features.Accounts;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Features.Units;
using BulletinMail.Mail;

namespace BulletinMail.Hosting;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>Every feature of BulletinMail, as both the worker and the one-shot commands use them (each registers and validates its own options).</summary>
    public static IServiceCollection AddBulletinMail(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStorage().AddOutbound()
            .AddUnits(configuration).AddReportParser().AddExtraction().AddAudit().AddAccounts()
            .AddReview().AddSubscribers().AddBulletins().AddIntake();

    /// <summary>The worker's start-up summary.</summary>
    public static IServiceCollection AddStartupSummary(this IServiceCollection services)
    {
        services.AddHostedService<StartupSummary>();
        return services;
    }
}
