using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Intake;

public static class IntakeServiceCollectionExtensions
{
    /// <summary>The mailbox of <c>Mailbox:Kind</c>, the submission pipeline and its stores.</summary>
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddCheckedOptions<MailboxOptions>(MailboxOptions.Section);
        services.AddCheckedOptions<IntakeOptions>(IntakeOptions.Section);
        services.AddSingleton<IMailboxSource>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MailboxOptions>>().Value;
            return options.Kind == "imap"
                ? new ImapMailbox(options.Imap)
                : new MaildirMailbox(options.Maildir.Path ?? Path.Combine(AppPaths.DataDirectory(sp.GetRequiredService<IConfiguration>()), "mailbox"));
        });
        services.AddSingleton<OriginalStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<MailboxStateStore>();
        services.AddSingleton<Acknowledger>();
        services.AddSingleton<SubmissionProcessor>();
        services.AddSingleton<IngestPoller>();
        services.AddSingleton<MailboxLease>();
        services.AddSingleton<WorkerRegistry>();
        services.AddSingleton<SerialPoller>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<IntakeHealth>();
        services.AddSingleton<ReportImporter>();
        services.AddSingleton<ReportReader>();
        services.AddSingleton<Reparse>();
        return services;
    }
}
