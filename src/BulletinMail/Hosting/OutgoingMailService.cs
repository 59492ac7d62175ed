using BulletinMail.Mail;

namespace BulletinMail.Hosting;

/// <summary>
/// The worker's sender of queued mail: a round when mail is queued in this process, and every
/// minute (mail queued by the CLI or another worker, retries that came due).
/// </summary>
internal sealed partial class OutgoingMailService(OutgoingMail queue, ILogger<OutgoingMailService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.DeliverDueAsync(stoppingToken);
                await queue.WaitAsync(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database itself failing (disk full, say): say so, and try again later.
                LogRoundFailed(ex.Message);
                await Task.Delay(Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending queued mail failed: {Error}; trying again in a minute")]
    private partial void LogRoundFailed(string error);
}
