using BulletinMail.Features.Intake;

namespace BulletinMail.Hosting;

/// <summary>
/// Every <see cref="WorkerRegistry.BeatEvery"/>: says this worker is alive (for <c>/healthz</c>),
/// and if the worker that polled the mailbox died mid-poll (its lease ran out, or its process on
/// this host is gone), takes the mailbox over and finishes the poll at once rather than at the
/// next scheduled one, whose Hangfire job may be the dead worker's.
/// </summary>
internal sealed partial class WorkerHeartbeatService(WorkerRegistry workers, MailboxLease lease, SerialPoller poller, ILogger<WorkerHeartbeatService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(WorkerRegistry.BeatEvery);
        do
        {
            try
            {
                await workers.BeatAsync(stoppingToken);
                if (await lease.IsAbandonedAsync(poller.MailboxKey, stoppingToken))
                {
                    LogTakingOver(poller.MailboxKey);
                    await poller.PollAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the mailbox is down: said, and tried again at the next beat.
                LogBeatFailed(ex.GetType().Name, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await workers.LeaveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException)
        {
            // Not counted anyway once its beats stop.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The poll of {Mailbox} was left unfinished by a worker that stopped; this worker takes it over")]
    private partial void LogTakingOver(string mailbox);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker heartbeat failed ({Error}: {Message}); trying again shortly")]
    private partial void LogBeatFailed(string error, string message);
}
