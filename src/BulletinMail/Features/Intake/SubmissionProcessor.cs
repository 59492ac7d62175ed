using System.Text.Json;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Digest;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;
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
    IOptions<ExtractionOptions> extraction,
    IOptions<IntakeOptions> intake,
    IOptions<OutboundOptions> outbound,
    TimeProvider time,
    ILogger<SubmissionProcessor> logger)
{
    // The registry changes rarely (an editor adds a sender); reading it once per second is plenty.
    private static readonly TimeSpan RegistryLifetime = TimeSpan.FromSeconds(1);
    private LoadedRegistry? cachedRegistry;

    private sealed record LoadedRegistry(UnitRegistry Registry, long LoadedAt);

    /// <summary>Processes a stored submission (one a crash left unprocessed, or another poll's).</summary>
    /// <returns>The status the submission ended with.</returns>
    public async Task<string> ProcessAsync(long id, CancellationToken cancellationToken)
    {
        var submission = await submissions.GetAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"submission {id} does not exist");
        return await ProcessAsync(submission, null, cancellationToken);
    }

    /// <param name="submission">The submission as recorded; completing it is guarded by its stored status, so a stale copy is harmless.</param>
    /// <param name="content">The original's bytes when the caller has them; else they are read from the original store.</param>
    /// <returns>The status the submission ended with.</returns>
    public Task<string> ProcessAsync(Submission submission, byte[]? content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return submission.Status != SubmissionStatus.Received
            ? Task.FromResult(submission.Status)
            : CompleteAsync(submission, content, null, cancellationToken);
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

        return await CompleteAsync(submission, null, decision, cancellationToken);
    }

    private async Task<string> CompleteAsync(Submission submission, byte[]? content, EditorDecision? decision, CancellationToken cancellationToken)
    {
        var id = submission.Id;
        var registry = await RegistryAsync(cancellationToken);
        var (outcome, message, entries) = await DecideAsync(submission, registry, content, decision, cancellationToken);
        using var parsedMessage = message; // MimeKit's content streams are disposable: no work left for the finalizer
        if (await submissions.CompleteAsync(outcome, cancellationToken, submission.Status, decision?.Actor))
        {
            LogProcessed(id, outcome.Status, outcome.Reason ?? string.Empty, outcome.Entries.Count);
            if (outcome.Status == SubmissionStatus.Parsed && message is not null && decision is null)
            {
                var stored = submission with { Status = outcome.Status, Unit = outcome.Unit, Period = outcome.Period };
                await acknowledger.AcknowledgeAsync(stored, message, entries, cancellationToken);
            }

            return outcome.Status;
        }

        // Another run completed it first: what it decided stands.
        return (await submissions.GetAsync(id, cancellationToken))?.Status ?? outcome.Status;
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

    private async Task<(SubmissionOutcome Outcome, MimeMessage? Message, IReadOnlyList<ParsedEntry> Entries)> DecideAsync(
        Submission submission, UnitRegistry registry, byte[]? content, EditorDecision? decision, CancellationToken cancellationToken)
    {
        SubmissionOutcome Outcome(string status, string? reason, string? unit = null, string? period = null, string? text = null,
            IReadOnlyList<string>? warnings = null, IReadOnlyList<ExtractedAttachment>? attachments = null, IReadOnlyList<ParsedEntry>? entries = null, long? supersedes = null) =>
            new(submission.Id, status, reason, unit, period, text,
                JsonSerializer.Serialize(warnings ?? [], IntakeJsonContext.Default.IReadOnlyListString),
                JsonSerializer.Serialize(attachments ?? [], IntakeJsonContext.Default.IReadOnlyListExtractedAttachment),
                entries ?? [], supersedes);

        var limits = extraction.Value;
        if (submission.Size > limits.MaxInputBytes)
        {
            return (Outcome(SubmissionStatus.Quarantined,
                $"the message is {submission.Size / (1024.0 * 1024.0):0.#} MB, over the {limits.MaxInputBytes / (1024 * 1024)} MB limit (Extraction:MaxInputBytes); the original is kept"), null, []);
        }

        MimeMessage? loaded = null;
        ExtractedDocument document;
        content ??= await originals.ReadAsync(submission.Sha256, cancellationToken);
        using (var stream = new MemoryStream(content, writable: false))
        {
            try
            {
                loaded = MimeMessage.Load(stream, cancellationToken);

                // A bounce of one of our bulletins, automatic mail, or a subscription request: no report, never answered.
                var reason = await bounces.HandleAsync(loaded, cancellationToken)
                    ?? AutomaticMail.Reason(loaded, outbound.Value.From)
                    ?? await subscriptions.HandleAsync(loaded, cancellationToken);
                if (reason is not null)
                {
                    return (Outcome(SubmissionStatus.Ignored, reason), loaded, []);
                }

                document = new MessageTextExtractor(limits).Extract(loaded);
            }
            catch (FormatException ex)
            {
                return (Outcome(SubmissionStatus.Quarantined, $"not a readable mail message: {ex.Message}"), null, []);
            }
            catch (ExtractionException ex)
            {
                return (Outcome(SubmissionStatus.Quarantined, ex.Message), loaded, []);
            }
        }

        var message = loaded!;

        var failedAttachments = (document.Attachments ?? []).Where(a => a.Status == "failed").Select(a => $"{a.Name}: {a.Reason}").ToList();
        var sender = decision?.Unit is { } chosen ? registry.FindByName(chosen) : registry.FindBySender(submission.FromAddress);
        var report = new ReportReader(new ReportParser(registry), registry, time).Read(document, decision?.Period, sender?.Name);
        var period = report?.Period;
        var unit = sender?.Name ?? report?.Entries.Select(e => e.Unit).FirstOrDefault(u => u is not null);
        var warnings = document.Warnings ?? [];

        SubmissionOutcome Held(string reason) =>
            Outcome(SubmissionStatus.Held, reason, unit, period?.ToString(), document.Text, warnings, document.Attachments);

        if (sender is null && decision?.Unit is { } missing)
        {
            return (Held($"there is no unit {missing} in the registry"), message, []);
        }

        if (sender is null)
        {
            return (Held($"unknown sender {submission.FromAddress}: assign a unit (and remember the sender) or discard"), message, []);
        }

        // An editor who releases a message has looked at its sender: their word overrides the header.
        if (decision is null && SenderTrust.FailedAuthentication(message, intake.Value.AuthServId) is { } untrusted)
        {
            return (Held(untrusted), message, []);
        }

        if (report is null)
        {
            return (Held("cannot tell which month the report is for (no month in the subject or the text)"), message, []);
        }

        if (report.Entries.Count == 0)
        {
            var why = failedAttachments.Count > 0 ? $"no entries found; unreadable attachments: {string.Join("; ", failedAttachments)}" : "no dated entries found in the text";
            return (Held(why), message, []);
        }

        var supersedes = await FindCorrectedAsync(submission, sender.Name, report.Period.ToString(), cancellationToken);
        return (Outcome(SubmissionStatus.Parsed, null, sender.Name, report.Period.ToString(), document.Text,
            [.. warnings, .. failedAttachments.Select(f => $"attachment-failed: {f}")], document.Attachments, report.Entries, supersedes), message, report.Entries);
    }

    // A reply to our acknowledgement corrects the report it acknowledged; so does a "Re:" from the
    // same sender for the same unit and period.
    private async Task<long?> FindCorrectedAsync(Submission submission, string unit, string period, CancellationToken cancellationToken)
    {
        if (await acknowledger.FindAcknowledgedAsync(submission.InReplyTo, cancellationToken) is { } acknowledged && acknowledged != submission.Id)
        {
            return acknowledged;
        }

        var isReply = submission.InReplyTo is not null || ReportTitle.StripReplyPrefixes(submission.Subject ?? string.Empty) != (submission.Subject ?? string.Empty).Trim();
        return isReply && submission.FromAddress is { } from
            ? await submissions.FindCorrectableAsync(unit, period, from, submission.Id, cancellationToken)
            : null;
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
