namespace BulletinMail.Features.Intake;

/// <summary>A message waiting in the mailbox: by UID (IMAP) or by unique file name (Maildir).</summary>
public sealed record MailboxItem(long? Uid, string? SourceKey, long? Size);

/// <summary>Where reports arrive: the configured Maildir or IMAP folder.</summary>
public interface IMailboxSource
{
    /// <summary>A stable name of the mailbox, part of every submission's key.</summary>
    string Key { get; }

    /// <summary>Connects (IMAP) or opens (Maildir) the mailbox for one poll.</summary>
    Task<IMailboxSession> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>One poll's view of the mailbox.</summary>
public interface IMailboxSession : IAsyncDisposable
{
    /// <summary>IMAP's UIDVALIDITY; null for Maildir.</summary>
    long? UidValidity { get; }

    /// <summary>The messages not yet completed, oldest first.</summary>
    Task<IReadOnlyList<MailboxItem>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Downloads messages, in as few round trips as the mailbox allows, handing each raw message
    /// to <paramref name="receive"/> as a stream valid only during the call.
    /// </summary>
    Task DownloadAsync(IReadOnlyList<MailboxItem> items, Func<MailboxItem, Stream, CancellationToken, Task> receive, CancellationToken cancellationToken);

    /// <summary>Marks messages done, after their submissions are committed: flagged and moved out of the way, never deleted.</summary>
    Task CompleteAsync(IReadOnlyList<MailboxItem> items, bool quarantined, CancellationToken cancellationToken);
}
