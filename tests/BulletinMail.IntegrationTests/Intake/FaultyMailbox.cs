using BulletinMail.Features.Intake;

namespace BulletinMail.IntegrationTests.Intake;

/// <summary>Wraps a real mailbox to inject faults at chosen moments: before the Nth download, or at completion.</summary>
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

        public async Task CopyToAsync(MailboxItem item, Stream destination, CancellationToken cancellationToken)
        {
            if (owner.BeforeDownload is { } hook)
            {
                await hook(++downloads);
            }

            await inner.CopyToAsync(item, destination, cancellationToken);
        }

        public Task CompleteAsync(MailboxItem item, bool quarantined, CancellationToken cancellationToken) =>
            owner.FailCompletion ? throw new IOException("simulated crash after the commit, before the move") : inner.CompleteAsync(item, quarantined, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
