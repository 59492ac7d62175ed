using System.Text.Json;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Stores the entries of a report received another way (or of a past bulletin) as pending: a
/// submission of the <c>import</c> mailbox, keyed by the file's hash, period and unit, so that
/// importing the same file twice changes nothing.
/// </summary>
public sealed class ReportImporter(
    DocumentExtractor extractor,
    OriginalStore originals,
    SubmissionStore submissions,
    UnitStore units,
    UnitRegistry configuredUnits,
    TimeProvider time)
{
    public const string Mailbox = "import";

    /// <returns>The submission's id, its entry count, and whether it was imported before.</returns>
    /// <exception cref="ExtractionException">The file cannot be read.</exception>
    public async Task<(long Id, long Entries, bool AlreadyImported)> ImportAsync(string path, Period period, string? unit, CancellationToken cancellationToken)
    {
        var document = await extractor.ExtractFileAsync(path, cancellationToken);
        StoredOriginal original;
        await using (var file = File.OpenRead(path))
        {
            original = await originals.SaveAsync(file, keepInMemory: 0, cancellationToken);
        }

        var registry = await units.LoadAsync(configuredUnits.Sections, cancellationToken);
        var report = new ReportParser(registry).Parse(document.Text, period, unit);
        var key = $"{original.Sha256}:{period}:{unit}";
        var (id, outcome, status) = await submissions.RecordAsync(new NewSubmission(
            Mailbox, null, null, key, $"import:{key}", null, original.Sha256, original.Size, null, Path.GetFileName(path), null,
            time.GetUtcNow(), Unit: unit, Period: period.ToString()), cancellationToken);
        if (status == SubmissionStatus.Received)
        {
            await submissions.CompleteAsync(new SubmissionOutcome(
                id, SubmissionStatus.Parsed, null, unit, period.ToString(), document.Text,
                JsonSerializer.Serialize(document.Warnings ?? [], IntakeJsonContext.Default.IReadOnlyListString),
                JsonSerializer.Serialize(document.Attachments ?? [], IntakeJsonContext.Default.IReadOnlyListExtractedAttachment),
                report.Entries), cancellationToken);
        }

        var stored = await submissions.GetAsync(id, cancellationToken);
        return (id, stored?.EntryCount ?? 0, outcome == RecordOutcome.AlreadyRecorded);
    }
}
