namespace BulletinMail.Features.Parsing;

/// <summary>One dated activity read from a report (DESIGN.md, parser output).</summary>
/// <param name="Unit">The reporting unit as written, or null when unknown (and for headlines).</param>
/// <param name="Section">The heading the entry stands under, without its ordinal, or null.</param>
/// <param name="Inherited">The clause had no date of its own and took the previous clause's.</param>
public sealed record ParsedEntry(
    string? Unit,
    string? Section,
    ActivityDate Date,
    string Text,
    double Confidence,
    IReadOnlyList<string> Warnings,
    bool Inherited = false);

/// <summary>What the parser read from one report.</summary>
public sealed record ParsedReport(Period Period, IReadOnlyList<ParsedEntry> Entries);
