namespace BulletinMail.Features.Parsing;

/// <summary>How exactly an entry is dated (DESIGN.md, parser output).</summary>
public enum DatePrecision
{
    /// <summary>No date, and none to inherit.</summary>
    Undated,

    /// <summary>One day: start equals end.</summary>
    Day,

    /// <summary>An explicit span, or part of a month (上旬, 月底, early June).</summary>
    Range,

    /// <summary>近日, 近期, recently: no start or end.</summary>
    Approximate,
}

/// <summary>The date of an activity as the report wrote it.</summary>
/// <param name="Text">The date expression verbatim, e.g. <c>6月5-7日</c>; null when undated.</param>
public sealed record ActivityDate(DateOnly? Start, DateOnly? End, DatePrecision Precision, string? Text)
{
    public static readonly ActivityDate Undated = new(null, null, DatePrecision.Undated, null);
}
