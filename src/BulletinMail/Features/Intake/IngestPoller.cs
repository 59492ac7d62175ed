using BulletinMail.Features.Extraction;
using Microsoft.Extensions.Options;
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
/// One poll of the mailbox: finish submissions a crash left unprocessed, then, batch by batch:
/// download the waiting messages (many to a round trip), keep each original, record it (once),
/// process it, and only then complete the batch in the mailbox. A crash anywhere loses nothing
/// (a message stays until completed) and duplicates nothing (the record is keyed by its place and
/// its Message-ID).
/// </summary>
public sealed partial class IngestPoller(
    IMailboxSource mailbox,
    SubmissionStore submissions,
    OriginalStore originals,
    SubmissionProcessor processor,
    MailboxStateStore state,
    IOptions<ExtractionOptions> extraction,
    TimeProvider time,
    ILogger<IngestPoller> logger)
{
    private const int BatchCount = 50;
    private const long BatchBytes = 8 * 1024 * 1024;

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
            var places = await submissions.ListPlacesAsync(mailbox.Key, uidValidity, cancellationToken);
            int done = 0, recorded = 0, duplicates = 0, quarantined = 0;
            long bytes = 0;

            // A pipeline: the next batch downloads while this one is processed (processing never uses
            // the mailbox connection), and a batch is completed only after every row of it is committed.
            var batches = Batches(items).ToList();
            Task<Dictionary<MailboxItem, StoredOriginal>>? download = batches.Count > 0 ? DownloadAsync(session, batches[0], places, cancellationToken) : null;
            for (var b = 0; b < batches.Count; b++)
            {
                var downloaded = await download!;
                var processing = IngestBatchAsync(session, batches[b], places, downloaded, cancellationToken);
                download = b + 1 < batches.Count ? DownloadAsync(session, batches[b + 1], places, cancellationToken) : null;
                Ingested[] results;
                try
                {
                    results = await processing;
                }
                finally
                {
                    if (download is not null)
                    {
                        await Task.WhenAny(download); // the connection must be idle before it is used again
                    }
                }

                recorded += results.Count(r => r.Outcome is RecordOutcome.Created or RecordOutcome.Duplicate);
                duplicates += results.Count(r => r.Outcome == RecordOutcome.Duplicate);
                quarantined += results.Count(r => r.Status == SubmissionStatus.Quarantined);

                // Only now, with every row of the batch committed, do the messages leave the inbox.
                await session.CompleteAsync([.. results.Where(r => r.Status != SubmissionStatus.Quarantined).Select(r => r.Item)], quarantined: false, cancellationToken);
                await session.CompleteAsync([.. results.Where(r => r.Status == SubmissionStatus.Quarantined).Select(r => r.Item)], quarantined: true, cancellationToken);
                done += batches[b].Count;
                bytes += batches[b].Sum(i => i.Size ?? 0);
                progress?.Report(new IngestProgress(done, items.Count, bytes));
            }

            await state.RecordPollAsync(mailbox.Key, uidValidity, null, cancellationToken);
            return new IngestReport(items.Count, recorded, done, duplicates, quarantined, recovered);
        }
        catch (Exception ex) when (IsMailboxFailure(ex))
        {
            LogPollFailed(mailbox.Key, ex.Message);
            await state.RecordPollAsync(mailbox.Key, uidValidity, ex.Message, CancellationToken.None);
            throw;
        }
    }

    // Up to 50 messages or 8 MB a batch; a message larger than a download chunk goes alone.
    private static IEnumerable<List<MailboxItem>> Batches(IReadOnlyList<MailboxItem> items)
    {
        var batch = new List<MailboxItem>();
        long size = 0;
        foreach (var item in items)
        {
            var itemSize = item.Size ?? ImapMailbox.ChunkBytes + 1L;
            if (batch.Count > 0 && (batch.Count == BatchCount || size + itemSize > BatchBytes || itemSize > ImapMailbox.ChunkBytes))
            {
                yield return batch;
                batch = [];
                size = 0;
            }

            batch.Add(item);
            size += itemSize;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private sealed record Ingested(MailboxItem Item, string Status, RecordOutcome Outcome);

    private async Task<Dictionary<MailboxItem, StoredOriginal>> DownloadAsync(
        IMailboxSession session, List<MailboxItem> batch, Dictionary<string, (long Id, string Status)> places, CancellationToken cancellationToken)
    {
        var fresh = batch.Where(i => !places.ContainsKey(SubmissionStore.PlaceKey(i.Uid, i.SourceKey))).ToList();
        var downloaded = new Dictionary<MailboxItem, StoredOriginal>();
        var limit = extraction.Value.MaxInputBytes;
        await session.DownloadAsync(fresh, async (item, stream, ct) => downloaded[item] = await originals.SaveAsync(stream, limit, ct), cancellationToken);
        return downloaded;
    }

    // Records a batch in mailbox order (so submission ids follow arrival), then processes it, two
    // (or as many as there are cores, up to four) messages at a time.
    private async Task<Ingested[]> IngestBatchAsync(
        IMailboxSession session, List<MailboxItem> batch, Dictionary<string, (long Id, string Status)> places,
        Dictionary<MailboxItem, StoredOriginal> downloaded, CancellationToken cancellationToken)
    {
        var results = new Ingested[batch.Count];
        var toProcess = new List<(int Index, Submission? Recorded, long Id, byte[]? Content, RecordOutcome Outcome)>();
        var fresh = new List<(int Index, NewSubmission Message, StoredOriginal Original)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            if (places.TryGetValue(SubmissionStore.PlaceKey(item.Uid, item.SourceKey), out var known))
            {
                // Recorded before and not completed in the mailbox (a crash, a second poll): finish it.
                results[i] = new Ingested(item, known.Status, RecordOutcome.AlreadyRecorded);
                if (known.Status == SubmissionStatus.Received)
                {
                    toProcess.Add((i, null, known.Id, null, RecordOutcome.AlreadyRecorded));
                }

                continue;
            }

            fresh.Add((i, Describe(session, item, downloaded[item]), downloaded[item]));
        }

        // One transaction for the batch's new rows: committed before any of them is processed or completed.
        var recorded = await submissions.RecordAllAsync([.. fresh.Select(f => f.Message)], cancellationToken);
        for (var f = 0; f < fresh.Count; f++)
        {
            var (index, message, original) = fresh[f];
            var (id, outcome, status) = recorded[f];
            LogRecorded(id, outcome, batch[index].Uid, batch[index].SourceKey);
            results[index] = new Ingested(batch[index], status, outcome);
            if (status == SubmissionStatus.Received)
            {
                toProcess.Add((index, message.Stored(id, status, time.GetUtcNow()), id, original.Content, outcome));
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 4), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(toProcess, parallel, async (work, ct) =>
        {
            var status = work.Recorded is { } recorded
                ? await processor.ProcessAsync(recorded, work.Content, ct)
                : await processor.ProcessAsync(work.Id, ct);
            results[work.Index] = new Ingested(batch[work.Index], status, work.Outcome);
        });
        return results;
    }

    private NewSubmission Describe(IMailboxSession session, MailboxItem item, StoredOriginal original)
    {
        var headers = ReadHeaders(original.Content);
        var messageId = headers?[HeaderId.MessageId] is { Length: > 0 } raw ? MimeKit.Utils.MimeUtils.EnumerateReferences(raw).FirstOrDefault() ?? raw.Trim() : null;
        return new NewSubmission(
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
            time.GetUtcNow());
    }

    // Too large to keep in memory means too large to process: the headers are not needed.
    private static HeaderList? ReadHeaders(byte[]? content)
    {
        if (content is null)
        {
            return null;
        }

        try
        {
            return HeaderList.Load(new MemoryStream(content, writable: false));
        }
        catch (FormatException)
        {
            return null; // not a message at all: processing quarantines it with the reason
        }
    }

    /// <summary>The failures a mailbox can have that a later poll may not: the network, the server, the credentials.</summary>
    public static bool IsMailboxFailure(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ImapProtocolException or ImapCommandException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or AuthenticationException or FolderNotFoundException
            or UnauthorizedAccessException;

    private static string? FromAddress(HeaderList? headers) =>
        headers?[HeaderId.From] is { } from && InternetAddressList.TryParse(from, out var list)
            ? list.Mailboxes.FirstOrDefault()?.Address
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling {Mailbox} failed: {Error}; the next poll tries again")]
    private partial void LogPollFailed(string mailbox, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Submission {SubmissionId}: {Outcome} (UID {Uid}, file {SourceKey})")]
    private partial void LogRecorded(long submissionId, RecordOutcome outcome, long? uid, string? sourceKey);
}
