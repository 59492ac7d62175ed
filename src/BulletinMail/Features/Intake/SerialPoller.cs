namespace BulletinMail.Features.Intake;

/// <summary>
/// Polls the mailbox one poll at a time in this process. The scheduled poll (a Hangfire job) and
/// IMAP IDLE's wake-ups (run here at once, not queued behind Hangfire's queue poll: issue 11)
/// share it, so two never overlap: a second caller waits, then polls for what came meanwhile.
/// Correctness never rests on it — the submissions' keys make overlapping polls harmless — it
/// only spares a mailbox two sessions racing for the same messages.
/// </summary>
public sealed class SerialPoller(IngestPoller poller) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <inheritdoc cref="IngestPoller.PollAsync"/>
    public async Task<IngestReport> PollAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await poller.PollAsync(null, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
