using BulletinMail.Data;
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
    DbConnectionFactory connections,
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

    /// <summary>Polls that may fail to process a submission before it is quarantined.</summary>
    public const int ProcessAttempts = 3;

    public string MailboxKey => mailbox.Key;

    /// <exception cref="IOException">The mailbox cannot be reached (recorded, then rethrown for the scheduler to retry).</exception>
    /// <exception cref="DiskFullException">The data folder's disk is full (recorded where there is room, logged).</exception>
    public Task<IngestReport> PollAsync(IProgress<IngestProgress>? progress, CancellationToken cancellationToken) =>
        PollAsync(progress, null, cancellationToken);

    /// <param name="beforeEachBatch">Called before each batch is recorded or completed; throws to stop the poll there (a lost mailbox lease).</param>
    /// <inheritdoc cref="PollAsync(IProgress{IngestProgress}?, CancellationToken)"/>
    public async Task<IngestReport> PollAsync(IProgress<IngestProgress>? progress, Func<CancellationToken, Task>? beforeEachBatch, CancellationToken cancellationToken)
    {
        try
        {
            return await PollOnceAsync(progress, beforeEachBatch ?? (_ => Task.CompletedTask), cancellationToken);
        }
        catch (Exception ex) when (Durability.IsDiskFull(ex, connections.DataDirectory))
        {
            // Nothing is lost: what was not stored and flushed is still in the mailbox.
            var message = Durability.DescribeDiskFull(connections.DataDirectory);
            LogPollFailed(mailbox.Key, message);
            try
            {
                await state.RecordPollAsync(mailbox.Key, null, message, CancellationToken.None);
            }
            catch (Exception again) when (Durability.IsDiskFull(again))
            {
                // No room even for that: status and /healthz read the free space themselves.
            }

            throw new DiskFullException(message, ex);
        }
    }

    private async Task<IngestReport> PollOnceAsync(IProgress<IngestProgress>? progress, Func<CancellationToken, Task> beforeEachBatch, CancellationToken cancellationToken)
    {
        var recovered = await RecoverAsync(cancellationToken);
        long? uidValidity = null;
        try
        {
            await using var session = await mailbox.OpenAsync(cancellationToken);
            uidValidity = session.UidValidity;
            var items = await session.ListAsync(cancellationToken);
            var places = await submissions.ListPlacesAsync(mailbox.Key, uidValidity, cancellationToken);
            int done = 0, recorded = 0, duplicates = 0, quarantined = 0;
            long bytes = 0;

            // A pipeline of three stages, a batch in each: the next batch downloads while this one is
            // recorded, then decided (read, parsed) while the one before has its outcomes stored and
            // is completed in the mailbox. The database has one writer at a time (record, then store),
            // the mailbox connection one user at a time (download, then complete), and a batch leaves
            // the inbox only after every row of it is committed.
            var batches = Batches(items).ToList();
            Task<Dictionary<MailboxItem, StoredOriginal>>? download = batches.Count > 0 ? DownloadAsync(session, batches[0], places, cancellationToken) : null;

            async Task DecideAsync(RecordedBatch batch) =>
                batch.Decided = await processor.DecideAllAsync([.. batch.ToProcess.Select(w => (w.Submission, w.Content))], cancellationToken);

            async Task FinishAsync(RecordedBatch batch, Task? downloading)
            {
                var results = await StoreAsync(batch, cancellationToken);
                if (downloading is not null)
                {
                    await Task.WhenAny(downloading); // the connection must be idle before it is used again
                }

                recorded += results.Count(r => r.Outcome is RecordOutcome.Created or RecordOutcome.Duplicate);
                duplicates += results.Count(r => r.Outcome == RecordOutcome.Duplicate);
                quarantined += results.Count(r => r.Status == SubmissionStatus.Quarantined);

                // Only now, with every row of the batch committed and flushed to disk with the
                // originals (one flush for the batch), do the messages leave the inbox.
                originals.FlushToDisk();
                await session.CompleteAsync([.. results.Where(r => r.Status is not (SubmissionStatus.Quarantined or SubmissionStatus.Received)).Select(r => r.Item)], quarantined: false, cancellationToken);
                await session.CompleteAsync([.. results.Where(r => r.Status == SubmissionStatus.Quarantined).Select(r => r.Item)], quarantined: true, cancellationToken);
                done += results.Length;
                bytes += results.Sum(r => r.Item.Size ?? 0);
                progress?.Report(new IngestProgress(done, items.Count, bytes));
            }

            RecordedBatch? previous = null;
            try
            {
                for (var b = 0; b <= batches.Count; b++)
                {
                    RecordedBatch? current = null;
                    await beforeEachBatch(cancellationToken);
                    if (b < batches.Count)
                    {
                        var downloaded = await download!;
                        download = b + 1 < batches.Count ? DownloadAsync(session, batches[b + 1], places, cancellationToken) : null;
                        current = await RecordAsync(session, batches[b], places, downloaded, cancellationToken);
                    }

                    try
                    {
                        await Task.WhenAll(
                            current is null ? Task.CompletedTask : DecideAsync(current),
                            previous is null ? Task.CompletedTask : FinishAsync(previous, download));
                    }
                    finally
                    {
                        previous?.Dispose();
                        previous = current;
                    }
                }
            }
            finally
            {
                previous?.Dispose();
                if (download is not null)
                {
                    await Task.WhenAny(download); // nothing may use the connection as the session closes
                }
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

    /// <summary>
    /// Processes the submissions recorded but not processed (a crash, or a failure, came between).
    /// A batch that fails is retried one submission at a time, so one that keeps failing is found
    /// and, after <see cref="ProcessAttempts"/> polls, quarantined with its error instead of
    /// blocking every poll after it.
    /// </summary>
    private async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var recovered = 0;
        foreach (var ids in (await submissions.ListUnprocessedAsync(cancellationToken)).Chunk(BatchCount))
        {
            try
            {
                await processor.ProcessStoredAsync(ids, cancellationToken);
                recovered += ids.Length;
                continue;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !Durability.IsDiskFull(ex) && ids.Length > 1)
            {
                LogRecoveryFailed(ids[0], ids[^1], ex.Message);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !Durability.IsDiskFull(ex))
            {
                await RecordFailureAsync(ids[0], ex, cancellationToken);
                continue;
            }

            foreach (var id in ids)
            {
                try
                {
                    await processor.ProcessStoredAsync([id], cancellationToken);
                    recovered++;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !Durability.IsDiskFull(ex))
                {
                    await RecordFailureAsync(id, ex, cancellationToken);
                }
            }
        }

        return recovered;
    }

    private async Task RecordFailureAsync(long id, Exception ex, CancellationToken cancellationToken)
    {
        var error = $"{ex.GetType().Name}: {ex.Message}";
        var quarantined = await submissions.RecordProcessingFailureAsync(id, error, ProcessAttempts, cancellationToken);
        LogProcessingFailed(id, error, quarantined ? "quarantined" : "the next poll tries again");
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

    // A batch recorded in the database: what each message came to so far, and those to process.
    private sealed class RecordedBatch(Ingested[] results, List<(int Index, Submission Submission, byte[]? Content)> toProcess) : IDisposable
    {
        public Ingested[] Results { get; } = results;

        public List<(int Index, Submission Submission, byte[]? Content)> ToProcess { get; } = toProcess;

        public SubmissionProcessor.DecidedBatch? Decided { get; set; }

        public void Dispose() => Decided?.Dispose();
    }

    private async Task<Dictionary<MailboxItem, StoredOriginal>> DownloadAsync(
        IMailboxSession session, List<MailboxItem> batch, Dictionary<string, (long Id, string Status)> places, CancellationToken cancellationToken)
    {
        var fresh = batch.Where(i => !places.ContainsKey(SubmissionStore.PlaceKey(i.Uid, i.SourceKey))).ToList();
        var downloaded = new Dictionary<MailboxItem, StoredOriginal>();
        var limit = extraction.Value.MaxInputBytes;
        await session.DownloadAsync(fresh, async (item, stream, ct) => downloaded[item] = await originals.SaveAsync(stream, limit, ct), cancellationToken);
        return downloaded;
    }

    // Records a batch's new messages in mailbox order (so submission ids follow arrival), in one
    // transaction committed before any of them is processed or completed.
    private async Task<RecordedBatch> RecordAsync(
        IMailboxSession session, List<MailboxItem> batch, Dictionary<string, (long Id, string Status)> places,
        Dictionary<MailboxItem, StoredOriginal> downloaded, CancellationToken cancellationToken)
    {
        var results = new Ingested[batch.Count];
        var toProcess = new List<(int Index, Submission Submission, byte[]? Content)>();
        var fresh = new List<(int Index, NewSubmission Message, StoredOriginal Original)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            if (places.TryGetValue(SubmissionStore.PlaceKey(item.Uid, item.SourceKey), out var known))
            {
                // Recorded before and not completed in the mailbox (a crash, a second poll): complete it
                // once processed. One still unprocessed failed in this poll's recovery (or another poll
                // has it): it stays in the mailbox for the next poll.
                results[i] = new Ingested(item, known.Status, RecordOutcome.AlreadyRecorded);
                continue;
            }

            fresh.Add((i, Describe(session, item, downloaded[item]), downloaded[item]));
        }

        var recorded = await submissions.RecordAllAsync([.. fresh.Select(f => f.Message)], cancellationToken);
        for (var f = 0; f < fresh.Count; f++)
        {
            var (index, message, original) = fresh[f];
            var (id, outcome, status) = recorded[f];
            LogRecorded(id, outcome, batch[index].Uid, batch[index].SourceKey);
            results[index] = new Ingested(batch[index], status, outcome);
            if (status == SubmissionStatus.Received)
            {
                toProcess.Add((index, message.Stored(id, status, time.GetUtcNow()), original.Content));
            }
        }

        return new RecordedBatch(results, toProcess);
    }

    // Stores a decided batch's outcomes (one transaction); returns what each message came to.
    private async Task<Ingested[]> StoreAsync(RecordedBatch batch, CancellationToken cancellationToken)
    {
        var statuses = await processor.CompleteAllAsync(batch.Decided!, cancellationToken);
        for (var k = 0; k < batch.ToProcess.Count; k++)
        {
            var index = batch.ToProcess[k].Index;
            batch.Results[index] = batch.Results[index] with { Status = statuses[k] };
        }

        return batch.Results;
    }

    private NewSubmission Describe(IMailboxSession session, MailboxItem item, StoredOriginal original)
    {
        // The headers, from the bytes in memory or, for a message too large to keep there, from the
        // start of its stored original.
        HeaderList? headers;
        using (var stream = originals.Open(original.Sha256, original.Content))
        {
            headers = ReadHeaders(stream);
        }

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

    // Only the headers are read: a message's body may be large.
    private static HeaderList? ReadHeaders(Stream stream)
    {
        try
        {
            return HeaderList.Load(stream);
        }
        catch (FormatException)
        {
            return null; // not a message at all: processing quarantines it with the reason
        }
    }

    /// <summary>The failures a mailbox can have that a later poll may not: the network, the server, the credentials.</summary>
    public static bool IsMailboxFailure(Exception ex) =>
        !Durability.IsDiskFull(ex) && ex is IOException or System.Net.Sockets.SocketException or ImapProtocolException or ImapCommandException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or AuthenticationException or FolderNotFoundException
            or UnauthorizedAccessException;

    // The sender as MimeKit parses the raw header: one mailbox, or none (held). Parsing the decoded
    // text instead would let an encoded display name ("=?utf-8?b?…?=" decoding to "Suzhou
    // <kx@suzhou.test>,") supply the address.
    private static string? FromAddress(HeaderList? headers) =>
        headers?.FirstOrDefault(h => h.Id == HeaderId.From) is { } from
            && InternetAddressList.TryParse(ParserOptions.Default, from.RawValue, out var list)
            && list.Mailboxes.Count() == 1
            ? list.Mailboxes.Single().Address
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling {Mailbox} failed: {Error}; the next poll tries again")]
    private partial void LogPollFailed(string mailbox, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing submissions {First}–{Last} failed ({Error}); trying them one at a time")]
    private partial void LogRecoveryFailed(long first, long last, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing submission {SubmissionId} failed: {Error}; {Next}")]
    private partial void LogProcessingFailed(long submissionId, string error, string next);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Submission {SubmissionId}: {Outcome} (UID {Uid}, file {SourceKey})")]
    private partial void LogRecorded(long submissionId, RecordOutcome outcome, long? uid, string? sourceKey);
}
