using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Holds an IMAP connection in IDLE (RFC 2177) on the submission folder and calls back within
/// seconds of new mail, so that a poll need not wait for the schedule. Reconnects with backoff
/// (1 s doubling to 5 min) after any failure; re-issues IDLE every 9 minutes, well inside the
/// 29 minutes servers allow.
/// </summary>
public sealed partial class ImapIdleListener(IOptions<MailboxOptions> options, ILogger<ImapIdleListener> logger, TimeProvider time)
{
    private static readonly TimeSpan IdleRenewal = TimeSpan.FromMinutes(9);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>Listens until cancelled, calling <paramref name="onNewMail"/> when the folder grows (and once on each connect, for mail that came while away).</summary>
    public async Task ListenAsync(Func<CancellationToken, Task> onNewMail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onNewMail);
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = await ImapMailbox.ConnectAsync(options.Value.Imap, cancellationToken);
                if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
                {
                    LogNoIdle(options.Value.Imap.Host ?? string.Empty);
                    return;
                }

                var folder = await client.GetFolderAsync(options.Value.Imap.Folder, cancellationToken);
                await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
                backoff = TimeSpan.FromSeconds(1);
                LogListening(options.Value.Imap.Folder);
                await onNewMail(cancellationToken);
                await IdleAsync(client, folder, onNewMail, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IngestPoller.IsMailboxFailure(ex))
            {
                LogReconnecting(ex.Message, backoff);
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    // IDLE until the folder grows (then call back and IDLE again) or the renewal time passes.
    private static async Task IdleAsync(ImapClient client, IMailFolder folder, Func<CancellationToken, Task> onNewMail, CancellationToken cancellationToken)
    {
        var lastCount = folder.Count;
        while (!cancellationToken.IsCancellationRequested)
        {
            var grew = false;
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            done.CancelAfter(IdleRenewal);
            void OnCountChanged(object? sender, EventArgs e)
            {
                // Our own poller moving messages out shrinks the folder: only growth is new mail.
                grew |= folder.Count > lastCount;
                lastCount = folder.Count;
                if (grew)
                {
                    done.Cancel();
                }
            }

            // An EXPUNGE lowers the count without CountChanged: counted here, or the EXISTS of the
            // next report (back to the count before our poll moved one out) looked like no growth,
            // and every report after the first waited for the schedule (issue 11).
            void OnExpunged(object? sender, MessageEventArgs e) => lastCount--;

            folder.CountChanged += OnCountChanged;
            folder.MessageExpunged += OnExpunged;
            try
            {
                await client.IdleAsync(done.Token, cancellationToken);
            }
            finally
            {
                folder.CountChanged -= OnCountChanged;
                folder.MessageExpunged -= OnExpunged;
            }

            if (grew)
            {
                await onNewMail(cancellationToken);
            }
            else
            {
                await client.NoOpAsync(cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for new mail in {Folder} (IMAP IDLE)")]
    private partial void LogListening(string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP server {Host} does not support IDLE; new mail waits for the next scheduled poll")]
    private partial void LogNoIdle(string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP IDLE connection lost ({Error}); reconnecting in {Backoff}")]
    private partial void LogReconnecting(string error, TimeSpan backoff);
}
