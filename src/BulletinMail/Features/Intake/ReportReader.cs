using BulletinMail.Features.Extraction;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Decides a report's unit and period from what is known outside its text, then parses it.
/// Unit: as given, else the sender registry, else the subject. Period: as given, else the
/// subject, else the report's dates, else the mail's Date header.
/// </summary>
public sealed class ReportReader(ReportParser parser, UnitRegistry registry, TimeProvider time)
{
    /// <returns>The entries, or null when no period can be determined.</returns>
    public ParsedReport? Read(ExtractedDocument document, Period? period = null, string? unit = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var resolvedPeriod = period ?? GuessPeriod(document);
        return resolvedPeriod is { } p ? parser.Parse(document.Text, p, unit ?? GuessUnit(document)) : null;
    }

    public string? GuessUnit(ExtractedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (registry.FindBySender(document.FromAddress) is { } sender)
        {
            return sender.Name;
        }

        if (document.Subject is not { Length: > 0 } subject)
        {
            return null;
        }

        return registry.FindInText(subject)?.Name ?? ReportTitle.ReadUnit(subject);
    }

    public Period? GuessPeriod(ExtractedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sent = document.Date ?? time.GetUtcNow();
        var near = new Period(sent.Year, sent.Month);
        return (document.Subject is { } subject ? ReportTitle.ReadPeriod(subject, near) : null)
            ?? PeriodGuesser.FromText(document.Text, near)
            ?? (document.Date is { } date ? new Period(date.Year, date.Month) : null);
    }
}
