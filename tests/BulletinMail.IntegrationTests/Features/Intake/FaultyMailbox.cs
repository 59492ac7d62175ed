using BulletinMail.Features.Intake;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>Wraps a real mailbox to inject faults at chosen moments: at the Nth message downloaded, or at completion.</summary>
internal sealed class FaultyMailbox(IMailboxSource inner) : IMailboxSource
{
    public Func<int, Task>? BeforeDownload { get; init; }

    public bool FailCompletion { get; init; }

    public string Key => inner.Key;

    public async Task<IMailboxSession> OpenAsync(CancellationToken cancellationToken) =>
        new Session(await inner.OpenAsync(cancellationToken), this);

    private sealed class Session(IMailboxSession inner, FaultyMailbox owner) : IMailboxSession
    {
        private int downloads;

        public long? UidValidity => inner.UidValidity;

        public Task<IReadOnlyList<MailboxItem>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task DownloadAsync(IReadOnlyList<MailboxItem> items, Func<MailboxItem, Stream, CancellationToken, Task> receive, CancellationToken cancellationToken) =>
            inner.DownloadAsync(items, async (item, stream, ct) =>
            {
                if (owner.BeforeDownload is { } hook)
                {
                    await hook(++downloads);
                }

                await receive(item, stream, ct);
            }, cancellationToken);

        public Task CompleteAsync(IReadOnlyList<MailboxItem> items, bool quarantined, CancellationToken cancellationToken) =>
            owner.FailCompletion && items.Count > 0
                ? throw new IOException("simulated crash after the commit, before the move")
                : inner.CompleteAsync(items, quarantined, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
