using BulletinMail.Features.Extraction;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace BulletinMail.Features.Intake;

/// <summary>Counts of one poll.</summary>
public sealed record IngestReport(int Waiting, int Recorded, int Processed, int Duplicates, int Quarantined, int Recovered);

/// <summary>Progress of a poll: messages done of those waiting.</summary>
public readonly record struct IngestProgress(int Done, int Waiting, long Bytes);

/// <summary>
/// One poll of the mailbox: finish submissions a crash left unprocessed, then for each waiting
/// message: keep the original, record it (once), process it, and only then complete it in the
/// mailbox. A crash anywhere loses nothing (the message stays until completed) and duplicates
/// nothing (the record is keyed by its place and its Message-ID).
/// </summary>
public sealed partial class IngestPoller(
    IMailboxSource mailbox,
    SubmissionStore submissions,
    OriginalStore originals,
    SubmissionProcessor processor,
    MailboxStateStore state,
    TimeProvider time,
    ILogger<IngestPoller> logger)
{
    public string MailboxKey => mailbox.Key;

    /// <exception cref="IOException">The mailbox cannot be reached (recorded, then rethrown for the scheduler to retry).</exception>
    public async Task<IngestReport> PollAsync(IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        var recovered = 0;
        foreach (var id in await submissions.ListUnprocessedAsync(cancellationToken))
        {
            await processor.ProcessAsync(id, cancellationToken);
            recovered++;
        }

        long? uidValidity = null;
        try
        {
            await using var session = await mailbox.OpenAsync(cancellationToken);
            uidValidity = session.UidValidity;
            var items = await session.ListAsync(cancellationToken);
            int recorded = 0, processed = 0, duplicates = 0, quarantined = 0;
            long bytes = 0;
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var (status, outcome) = await IngestAsync(session, item, cancellationToken);
                recorded += outcome is RecordOutcome.Created or RecordOutcome.Duplicate ? 1 : 0;
                duplicates += outcome == RecordOutcome.Duplicate ? 1 : 0;
                quarantined += status == SubmissionStatus.Quarantined ? 1 : 0;
                processed++;
                bytes += item.Size ?? 0;
                await session.CompleteAsync(item, status == SubmissionStatus.Quarantined, cancellationToken);
                progress?.Report(new IngestProgress(i + 1, items.Count, bytes));
            }

            await state.RecordPollAsync(mailbox.Key, uidValidity, null, cancellationToken);
            return new IngestReport(items.Count, recorded, processed, duplicates, quarantined, recovered);
        }
        catch (Exception ex) when (IsMailboxFailure(ex))
        {
            LogPollFailed(mailbox.Key, ex.Message);
            await state.RecordPollAsync(mailbox.Key, uidValidity, ex.Message, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The failures a mailbox can have that a later poll may not: the network, the server, the credentials.</summary>
    public static bool IsMailboxFailure(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ImapProtocolException or ImapCommandException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or AuthenticationException or FolderNotFoundException
            or UnauthorizedAccessException;

    private async Task<(string Status, RecordOutcome? Outcome)> IngestAsync(IMailboxSession session, MailboxItem item, CancellationToken cancellationToken)
    {
        var known = await submissions.FindByPlaceAsync(mailbox.Key, session.UidValidity, item.Uid, item.SourceKey, cancellationToken);
        if (known is { } existing)
        {
            // Recorded before and not completed in the mailbox (a crash, a second poll): finish it.
            var finished = existing.Status == SubmissionStatus.Received ? await processor.ProcessAsync(existing.Id, cancellationToken) : existing.Status;
            return (finished, RecordOutcome.AlreadyRecorded);
        }

        var original = await originals.SaveAsync((stream, ct) => session.CopyToAsync(item, stream, ct), cancellationToken);
        var headers = await ReadHeadersAsync(original.Sha256, cancellationToken);
        var messageId = headers?[HeaderId.MessageId] is { Length: > 0 } raw ? MimeKit.Utils.MimeUtils.EnumerateReferences(raw).FirstOrDefault() ?? raw.Trim() : null;
        var (id, outcome, status) = await submissions.RecordAsync(new NewSubmission(
            mailbox.Key,
            session.UidValidity,
            item.Uid,
            item.SourceKey,
            messageId is null ? $"sha256:{original.Sha256}" : $"mid:{messageId}",
            messageId,
            original.Sha256,
            original.Size,
            FromAddress(headers),
            headers?[HeaderId.Subject],
            headers?[HeaderId.InReplyTo] is { } inReplyTo ? MimeKit.Utils.MimeUtils.EnumerateReferences(inReplyTo).FirstOrDefault() : null,
            time.GetUtcNow()), cancellationToken);
        LogRecorded(id, outcome, item.Uid, item.SourceKey);
        if (status == SubmissionStatus.Received)
        {
            status = await processor.ProcessAsync(id, cancellationToken);
        }

        return (status, outcome);
    }

    private async Task<HeaderList?> ReadHeadersAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var stream = originals.Open(sha256);
        try
        {
            return await HeaderList.LoadAsync(stream, cancellationToken);
        }
        catch (FormatException)
        {
            return null; // not a message at all: processing quarantines it with the reason
        }
    }

    private static string? FromAddress(HeaderList? headers) =>
        headers?[HeaderId.From] is { } from && InternetAddressList.TryParse(from, out var list)
            ? list.Mailboxes.FirstOrDefault()?.Address
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling {Mailbox} failed: {Error}; the next poll tries again")]
    private partial void LogPollFailed(string mailbox, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Submission {SubmissionId}: {Outcome} (UID {Uid}, file {SourceKey})")]
    private partial void LogRecorded(long submissionId, RecordOutcome outcome, long? uid, string? sourceKey);
}
