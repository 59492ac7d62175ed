using BulletinMail.Features.Intake;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BulletinMail.Hosting;

/// <summary>With an IMAP mailbox: new mail announced by IDLE enqueues a poll at once.</summary>
internal sealed class ImapIdleService(ImapIdleListener listener, IBackgroundJobClient jobs, IOptions<MailboxOptions> mailbox) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        mailbox.Value.Kind != "imap"
            ? Task.CompletedTask
            : listener.ListenAsync(
                _ =>
                {
                    jobs.Enqueue<PollMailboxJob>(job => job.RunAsync(CancellationToken.None));
                    return Task.CompletedTask;
                },
                stoppingToken);
}
