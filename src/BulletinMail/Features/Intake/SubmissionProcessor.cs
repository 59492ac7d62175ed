using System.Text.Json;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Subscribers;
using BulletinMail.Features.Units;
using BulletinMail.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Turns a recorded submission into its outcome: ignored (automatic mail), quarantined (cannot
/// be read, with the reason), held (an editor must decide: unknown or unauthenticated sender, no
/// period, no entries) or parsed (entries stored as pending, the sender acknowledged). Running it
/// twice changes nothing: only a submission still <c>received</c> is completed.
/// </summary>
public sealed partial class SubmissionProcessor(
    SubmissionStore submissions,
    OriginalStore originals,
    UnitStore units,
    UnitRegistry configuredUnits,
    Acknowledger acknowledger,
    BounceHandler bounces,
    SubscriptionMail subscriptions,
    OutgoingMail outgoingMail,
    IOptions<ExtractionOptions> extraction,
    IOptions<IntakeOptions> intake,
    IOptions<OutboundOptions> outbound,
    TimeProvider time,
    ILogger<SubmissionProcessor> logger)
{
    // The registry changes rarely (an editor adds a sender); reading it once per second is plenty.

    // What our mail server's authentication results say of the From address, for a mail command.
    private SenderAuthentication SenderOf(MimeMessage message) =>
        new(SenderTrust.FailedAuthentication(message, intake.Value.AuthServId), !string.IsNullOrWhiteSpace(intake.Value.AuthServId));
    private static readonly TimeSpan RegistryLifetime = TimeSpan.FromSeconds(1);
    private LoadedRegistry? cachedRegistry;

    private sealed record LoadedRegistry(UnitRegistry Registry, long LoadedAt);

    /// <summary>
    /// Processes stored submissions (ones a crash left unprocessed, or another poll's) as a batch:
    /// <see cref="DecideAllAsync"/>, then <see cref="CompleteAllAsync"/>, their originals read from the store.
    /// </summary>
    /// <returns>The status each submission ended with.</returns>
    public async Task<string[]> ProcessStoredAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var work = new List<(Submission, byte[]?)>(ids.Count);
        foreach (var id in ids)
        {
            work.Add((await submissions.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"submission {id} does not exist"), null));
        }

        using var decided = await DecideAllAsync(work, cancellationToken);
        return await CompleteAllAsync(decided, cancellationToken);
    }

    /// <summary>
    /// Reads and parses a batch of recorded submissions, as many at a time as there are cores (up
    /// to four), and decides each one's outcome; stores nothing.
    /// </summary>
    /// <param name="work">Each submission as recorded (storing its outcome is guarded by its stored status, so a
    /// stale copy is harmless) and the original's bytes when the caller has them (else they are read from the original store).</param>
    public async Task<DecidedBatch> DecideAllAsync(IReadOnlyList<(Submission Submission, byte[]? Content)> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var registry = await RegistryAsync(cancellationToken);
        var decided = new DecidedBatch([.. work.Select(w => w.Submission)], new Decision?[work.Count]);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 4), CancellationToken = cancellationToken };
            await Parallel.ForAsync(0, work.Count, parallel, async (i, ct) =>
            {
                var (submission, content) = work[i];
                if (submission.Status == SubmissionStatus.Received)
                {
                    decided.Decisions[i] = await DecideAsync(submission, registry, content, null, ct);
                }
            });
            return decided;
        }
        catch
        {
            decided.Dispose();
            throw;
        }
    }

    /// <summary>Stores a decided batch's outcomes, all in one transaction, then acknowledges the reports parsed.</summary>
    /// <returns>The status each submission ended with.</returns>
    public Task<string[]> CompleteAllAsync(DecidedBatch decided, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decided);
        return CompleteAsync(decided.Submissions, decided.Decisions, null, cancellationToken);
    }

    /// <summary>A batch read and decided, its outcomes not yet stored. Disposing it releases the parsed messages.</summary>
    public sealed class DecidedBatch : IDisposable
    {
        internal DecidedBatch(IReadOnlyList<Submission> submissions, Decision?[] decisions)
        {
            Submissions = submissions;
            Decisions = decisions;
        }

        internal IReadOnlyList<Submission> Submissions { get; }

        internal Decision?[] Decisions { get; }

        public void Dispose()
        {
            // MimeKit's content streams are disposable: no work left for the finalizer.
            foreach (var decision in Decisions)
            {
                decision?.Message?.Dispose();
            }
        }
    }

    /// <summary>
    /// An editor's decision on a held or quarantined submission: process it again as from the
    /// unit (and period) they chose, trusting its sender. Optionally the sender is remembered
    /// for that unit, so the next report from it goes straight through.
    /// </summary>
    /// <returns>The status it ended with (still <c>held</c> when, say, no entries are found).</returns>
    public async Task<string> ResolveAsync(long id, EditorDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var submission = await submissions.GetAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"submission {id} does not exist");
        if (submission.Status is not (SubmissionStatus.Held or SubmissionStatus.Quarantined))
        {
            return submission.Status;
        }

        if (decision.RememberSender && decision.Unit is { } unit && submission.FromAddress is { Length: > 0 } sender)
        {
            await units.AddAsync(unit, null, [sender], cancellationToken);
            cachedRegistry = null;
        }

        var decided = await DecideAsync(submission, await RegistryAsync(cancellationToken), null, decision, cancellationToken);
        using var message = decided.Message;
        return (await CompleteAsync([submission], [decided], decision, cancellationToken))[0];
    }

    // Stores the decided outcomes together (each only if its submission still has the status it
    // was decided from), then acknowledges the reports the worker parsed.
    private async Task<string[]> CompleteAsync(IReadOnlyList<Submission> batch, Decision?[] decided, EditorDecision? editor, CancellationToken cancellationToken)
    {
        var statuses = batch.Select(s => s.Status).ToArray();
        var toStore = Enumerable.Range(0, batch.Count).Where(i => decided[i] is not null).ToList();
        if (toStore.Count == 0)
        {
            return statuses;
        }

        // The status they were decided from: received for the worker's batches, held or quarantined for an editor's one.
        // The mail an outcome causes (the acknowledgement of a report the worker parsed, the answer to
        // a mail command) is queued in the transaction that stores it, and sent after the commit.
        var expected = batch[toStore[0]].Status;
        var stored = await submissions.CompleteAllAsync(
            [.. toStore.Select(i => decided[i]!.Outcome)], cancellationToken, expected, editor?.Actor,
            async (connection, transaction, k, now) =>
            {
                var (outcome, message, entries, reply) = decided[toStore[k]]!;
                if (reply is not null)
                {
                    await OutgoingMail.EnqueueAsync(connection, transaction, reply, "mail-command", now, cancellationToken);
                }

                if (outcome.Status == SubmissionStatus.Parsed && message is not null && editor is null)
                {
                    var submission = batch[toStore[k]] with { Status = outcome.Status, Unit = outcome.Unit, Period = outcome.Period };
                    await acknowledger.QueueAsync(connection, transaction, submission, message, entries, now, cancellationToken);
                }
            });
        outgoingMail.Wake();
        for (var k = 0; k < toStore.Count; k++)
        {
            var i = toStore[k];
            var outcome = decided[i]!.Outcome;
            if (!stored[k])
            {
                // Another run completed it first: what it decided stands.
                statuses[i] = (await submissions.GetAsync(outcome.Id, cancellationToken))?.Status ?? outcome.Status;
                continue;
            }

            statuses[i] = outcome.Status;
            LogProcessed(outcome.Id, outcome.Status, outcome.Reason ?? string.Empty, outcome.Entries.Count);
        }

        return statuses;
    }

    /// <summary>Reads a submission's original again with today's extractor and parser, storing nothing: what a re-parse would give.</summary>
    public async Task<IReadOnlyList<ParsedEntry>?> ReparseAsync(Submission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Period is null || !Period.TryParse(submission.Period, out var period))
        {
            return null;
        }

        var registry = await RegistryAsync(cancellationToken);
        var content = await originals.ReadAsync(submission.Sha256, cancellationToken);
        ExtractedDocument document;
        try
        {
            if (submission.Mailbox == ReportImporter.Mailbox)
            {
                var name = submission.Subject ?? "report.txt";
                document = new DocumentExtractor(extraction.Value).Extract(content, name, DocumentExtractor.KindOf(name));
            }
            else
            {
                using var stream = new MemoryStream(content, writable: false);
                using var message = await MimeMessage.LoadAsync(stream, cancellationToken);
                document = new MessageTextExtractor(extraction.Value).Extract(message);
            }
        }
        catch (Exception ex) when (ex is FormatException or ExtractionException)
        {
            return null;
        }

        return new ReportParser(registry).Parse(document.Text, period, submission.Unit).Entries;
    }

    private async Task<UnitRegistry> RegistryAsync(CancellationToken cancellationToken)
    {
        // Read and replaced as one reference: safe with several messages processed at once.
        if (cachedRegistry is { } cached && time.GetElapsedTime(cached.LoadedAt) < RegistryLifetime)
        {
            return cached.Registry;
        }

        var registry = await units.LoadAsync(configuredUnits.Sections, cancellationToken);
        cachedRegistry = new LoadedRegistry(registry, time.GetTimestamp());
        return registry;
    }

    /// <param name="Reply">Mail that answers the message (a subscription's confirmation), queued with the outcome.</param>
    internal sealed record Decision(SubmissionOutcome Outcome, MimeMessage? Message, IReadOnlyList<ParsedEntry> Entries, MimeMessage? Reply = null);

    private async Task<Decision> DecideAsync(
        Submission submission, UnitRegistry registry, byte[]? content, EditorDecision? decision, CancellationToken cancellationToken)
    {
        SubmissionOutcome Outcome(string status, string? reason, string? unit = null, string? period = null, string? text = null,
            IReadOnlyList<string>? warnings = null, IReadOnlyList<ExtractedAttachment>? attachments = null, IReadOnlyList<ParsedEntry>? entries = null, long? supersedes = null) =>
            new(submission.Id, status, reason, unit, period, text,
                JsonSerializer.Serialize(warnings ?? [], IntakeJsonContext.Default.IReadOnlyListString),
                JsonSerializer.Serialize(attachments ?? [], IntakeJsonContext.Default.IReadOnlyListExtractedAttachment),
                entries ?? [], supersedes);

        // A message over the limit is not read into memory: MimeKit parses it from the stored file,
        // its parts left there, so its headers and text parts are read and its large attachments
        // listed as skipped (each over Extraction:MaxAttachmentBytes).
        var limits = extraction.Value;
        var oversize = content is null && submission.Size > limits.MaxInputBytes;
        var oversizeWarning = oversize
            ? $"message-over-limit: the message is {submission.Size / (1024.0 * 1024.0):0.#} MB, over the {limits.MaxInputBytes / (1024 * 1024)} MB limit (Extraction:MaxInputBytes): read from disk, large attachments skipped"
            : null;
        MimeMessage? loaded = null;
        ExtractedDocument document;
        content ??= oversize ? null : await originals.ReadAsync(submission.Sha256, cancellationToken);
        using (var stream = originals.Open(submission.Sha256, content))
        {
            try
            {
                loaded = MimeMessage.Load(stream, persistent: oversize, cancellationToken);

                // A bounce of one of our bulletins, automatic mail, or a subscription request: no report, never answered.
                var reason = await bounces.HandleAsync(loaded, cancellationToken) ?? AutomaticMail.Reason(loaded, outbound.Value.From);
                var command = reason is null ? await subscriptions.HandleAsync(loaded, SenderOf(loaded), cancellationToken) : null;
                if ((reason ?? command?.Reason) is { } ignored)
                {
                    return new(Outcome(SubmissionStatus.Ignored, ignored), loaded, [], command?.Reply);
                }

                document = new MessageTextExtractor(limits).Extract(loaded);
            }
            catch (FormatException ex)
            {
                return new(Outcome(SubmissionStatus.Quarantined, $"not a readable mail message: {ex.Message}"), null, []);
            }
            catch (ExtractionException ex)
            {
                return new(Outcome(SubmissionStatus.Quarantined, ex.Message), loaded, []);
            }
        }

        var message = loaded!;

        var failedAttachments = (document.Attachments ?? []).Where(a => a.Status == "failed").Select(a => $"{a.Name}: {a.Reason}").ToList();
        var sender = decision?.Unit is { } chosen ? registry.FindByName(chosen) : registry.FindBySender(submission.FromAddress);
        var report = new ReportReader(new ReportParser(registry), registry, time).Read(document, decision?.Period, sender?.Name);
        var period = report?.Period;
        var unit = sender?.Name ?? report?.Entries.Select(e => e.Unit).FirstOrDefault(u => u is not null);
        IReadOnlyList<string> warnings = oversizeWarning is null ? document.Warnings ?? [] : [oversizeWarning, .. document.Warnings ?? []];

        // Held with what the report says, as a preview the editor decides on (its entries stay out of the queue).
        SubmissionOutcome Held(string reason) =>
            Outcome(SubmissionStatus.Held, reason, unit, period?.ToString(), document.Text, warnings, document.Attachments, period is null ? null : report?.Entries);

        if (sender is null && decision?.Unit is { } missing)
        {
            return new(Held($"there is no unit {missing} in the registry"), message, []);
        }

        if (sender is null && submission.FromAddress is null)
        {
            var raw = message.Headers[HeaderId.From];
            return new(Held(message.From.Mailboxes.Count() > 1
                ? $"the From header names {message.From.Mailboxes.Count()} senders: assign a unit or discard"
                : $"the sender's address cannot be read (From: {(string.IsNullOrWhiteSpace(raw) ? "missing" : Printable(raw))}): assign a unit or discard"), message, []);
        }

        if (sender is null)
        {
            return new(Held($"unknown sender {submission.FromAddress}: assign a unit (and remember the sender) or discard"), message, []);
        }

        // An editor who releases a message has looked at its sender: their word overrides the header.
        if (decision is null && SenderTrust.FailedAuthentication(message, intake.Value.AuthServId) is { } untrusted)
        {
            return new(Held(untrusted), message, []);
        }

        if (report is null)
        {
            return new(Held("cannot tell which month the report is for (no month in the subject or the text)"), message, []);
        }

        if (report.Entries.Count == 0)
        {
            var why = failedAttachments.Count > 0 ? $"no entries found; unreadable attachments: {string.Join("; ", failedAttachments)}" : "no dated entries found in the text";
            return new(Held(why), message, []);
        }

        var (supersedes, replyNote) = await FindCorrectedAsync(submission, message, document.Text, sender.Name, report.Entries.Count, cancellationToken);
        return new(Outcome(SubmissionStatus.Parsed, null, sender.Name, report.Period.ToString(), document.Text,
            [.. warnings, .. failedAttachments.Select(f => $"attachment-failed: {f}"), .. replyNote is null ? Array.Empty<string>() : [replyNote]],
            document.Attachments, report.Entries, supersedes), message, report.Entries);
    }

    /// <summary>
    /// A reply corrects only the report it answers: the submission whose acknowledgement (or whose
    /// own message) its In-Reply-To or References name, of the same unit, still standing. It
    /// replaces that report only when it is a full report itself; a supplement (补充, or far fewer
    /// entries than the report it answers) adds its entries beside it. A "Re:" that names nothing
    /// of ours replaces nothing.
    /// </summary>
    /// <returns>The submission it supersedes, or null; and a note for the editor on what the reply did.</returns>
    private async Task<(long? Supersedes, string? Note)> FindCorrectedAsync(
        Submission submission, MimeMessage message, string text, string unit, int entries, CancellationToken cancellationToken)
    {
        Submission? answered = null;
        foreach (var id in (string?[])[message.InReplyTo, .. message.References.Reverse()])
        {
            var found = await acknowledger.FindAcknowledgedAsync(id, cancellationToken) ?? await submissions.FindByMessageIdAsync(id, cancellationToken);
            if (found is { } foundId && foundId != submission.Id && await submissions.GetAsync(foundId, cancellationToken) is { } candidate)
            {
                answered = candidate;
                break;
            }
        }

        if (answered is null || answered.Unit != unit || answered.Status != SubmissionStatus.Parsed)
        {
            return (null, null);
        }

        var answeredEntries = await submissions.CountEntriesAsync(answered.Id, cancellationToken);
        if (ReportTitle.IsSupplement(submission.Subject, text))
        {
            return (null, $"supplement: adds to submission {answered.Id}, which it answers");
        }

        if (entries * 2 < answeredEntries)
        {
            return (null, $"reply: {entries} entries against the {answeredEntries} of submission {answered.Id}, which it answers: added beside it, not replacing it");
        }

        return (answered.Id, null);
    }

    // A header for an editor's eyes: control characters (a NUL, 8-bit garbage decoded as such) shown as '?', at most 80 characters.
    private static string Printable(string text)
    {
        var printable = string.Concat(text.Select(c => char.IsControl(c) || c == '\uFFFD' ? '?' : c)).Trim();
        return printable.Length > 80 ? printable[..80] + "…" : printable;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {SubmissionId}: {Status} {Reason} ({Entries} entries)")]
    private partial void LogProcessed(long submissionId, string status, string reason, int entries);
}

/// <summary>What an editor decided for a held or quarantined submission.</summary>
/// <param name="Unit">The unit it is from; null keeps the sender registry's answer.</param>
/// <param name="Period">The month it reports on; null lets the text decide.</param>
/// <param name="RememberSender">Add the sender's address to the unit, so its next report is not held.</param>
/// <param name="Actor">Who decided, for the audit log.</param>
public sealed record EditorDecision(string? Unit, Period? Period, bool RememberSender, string Actor);
