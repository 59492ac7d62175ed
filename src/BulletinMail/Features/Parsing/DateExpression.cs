namespace BulletinMail.Features.Parsing;

/// <summary>Reads a date an editor types (6月15日, 6月5-7日, 近日, 2016-06-18, June 15) as the parser would.</summary>
public static class DateExpression
{
    /// <summary>Reads the whole of <paramref name="text"/> as one date expression, the year nearest <paramref name="period"/>.</summary>
    /// <returns>False when the text is not exactly one valid date expression.</returns>
    public static bool TryParse(string? text, Period period, out ActivityDate date)
    {
        date = ActivityDate.Undated;
        var trimmed = text?.Trim().TrimEnd(',', '，', '、', ':', '：') ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return false;
        }

        var folded = TextFold.Fold(trimmed);
        if (!ClauseDate.TryReadLeading(folded, 0, period, out var match) || match.Invalid || match.EndIndex != folded.Length)
        {
            return false;
        }

        date = new ActivityDate(match.Start, match.End, match.Precision, trimmed);
        return true;
    }
}
