using BulletinMail.Features.Intake;
using Microsoft.Extensions.Options;

namespace BulletinMail.Hosting;

/// <summary>
/// With an IMAP mailbox: new mail announced by IDLE is polled at once, in this process. (Enqueued
/// as a Hangfire job it waited for the job storage's queue poll, and reports took as long as the
/// schedule's cron to come in: issue 11.)
/// </summary>
internal sealed partial class ImapIdleService(ImapIdleListener listener, SerialPoller poller, IOptions<MailboxOptions> mailbox, ILogger<ImapIdleService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        mailbox.Value.Kind != "imap" ? Task.CompletedTask : listener.ListenAsync(PollAsync, stoppingToken);

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        LogTriggered(mailbox.Value.Imap.Folder);
        try
        {
            if (await poller.PollAsync(cancellationToken) is { } report)
            {
                LogPolled(report.Recorded, report.Processed, report.Quarantined);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // As a failed poll job would be: said, and retried by the next poll (IDLE's or the
            // schedule's). The IDLE connection is not at fault and stays up; the worker never stops.
            LogPollFailed(ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "IMAP IDLE on {Folder} triggered a poll")]
    private partial void LogTriggered(string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "IMAP IDLE poll done: {Recorded} recorded, {Processed} completed, {Quarantined} quarantined")]
    private partial void LogPolled(int recorded, int processed, int quarantined);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP IDLE poll failed ({Error}: {Message}); the next poll tries again")]
    private partial void LogPollFailed(string error, string message);
}
