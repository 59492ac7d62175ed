namespace BulletinMail.Features.Intake;

/// <summary>
/// Polls the mailbox one poll at a time: in this process, and among the workers sharing the
/// database. The scheduled poll (a Hangfire job), IMAP IDLE's wake-ups (run here at once, not
/// queued behind Hangfire's queue poll: issue 11) and a takeover share it: in this process a second
/// caller waits, then polls for what came meanwhile; while another worker holds the mailbox's
/// <see cref="MailboxLease"/>, a caller does not poll at all. Correctness never rests on it — the
/// submissions' keys make overlapping polls harmless — it only spares a mailbox two sessions
/// racing for the same messages.
/// </summary>
public sealed partial class SerialPoller(IngestPoller poller, MailboxLease lease, WorkerRegistry workers, ILogger<SerialPoller> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public string MailboxKey => poller.MailboxKey;

    /// <inheritdoc cref="PollAsync(IProgress{IngestProgress}?, CancellationToken)"/>
    public Task<IngestReport?> PollAsync(CancellationToken cancellationToken) => PollAsync(null, cancellationToken);

    /// <summary>Polls under the mailbox's lease.</summary>
    /// <returns>The poll's counts, or null when another worker holds the mailbox (it polls).</returns>
    /// <exception cref="MailboxLeaseLostException">Another worker took the mailbox over during the poll (this one was too slow to renew).</exception>
    public async Task<IngestReport?> PollAsync(IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var mailbox = poller.MailboxKey;
            if (!await lease.TryTakeAsync(mailbox, workers.Self, cancellationToken))
            {
                LogHeldElsewhere(mailbox);
                return null;
            }

            using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var stopRenewing = new CancellationTokenSource();
            var renewing = KeepRenewedAsync(mailbox, lost, stopRenewing.Token);
            try
            {
                // Checked before each batch is committed: a worker that lost the mailbox stops there.
                return await poller.PollAsync(progress, ct => EnsureHeldAsync(mailbox, ct), lost.Token);
            }
            catch (OperationCanceledException ex) when (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new MailboxLeaseLostException(mailbox, ex);
            }
            finally
            {
                await stopRenewing.CancelAsync();
                await renewing;
                await lease.ReleaseAsync(mailbox, workers.Self, CancellationToken.None);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task EnsureHeldAsync(string mailbox, CancellationToken cancellationToken)
    {
        if (!await lease.RenewAsync(mailbox, workers.Self, cancellationToken))
        {
            throw new MailboxLeaseLostException(mailbox);
        }
    }

    // Renews between the batch checks too (a slow batch), and cancels the poll if the lease is gone.
    private async Task KeepRenewedAsync(string mailbox, CancellationTokenSource lost, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(MailboxLease.RenewEvery, stop);
                if (!await lease.RenewAsync(mailbox, workers.Self, stop))
                {
                    LogLeaseLost(mailbox);
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the poll ended
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException)
        {
            // The database is unreachable: the poll's own writes will fail; the lease runs out on its own.
            LogRenewalFailed(mailbox, ex.Message);
        }
    }

    public void Dispose() => gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Another worker is polling {Mailbox}; this one leaves it")]
    private partial void LogHeldElsewhere(string mailbox);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease on {Mailbox} was taken over by another worker; this poll stops")]
    private partial void LogLeaseLost(string mailbox);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the lease on {Mailbox} failed: {Error}")]
    private partial void LogRenewalFailed(string mailbox, string error);
}

/// <summary>A poll stopped because another worker took its mailbox over.</summary>
public sealed class MailboxLeaseLostException(string mailbox, Exception? innerException = null)
    : Exception($"another worker took over polling {mailbox}", innerException);
