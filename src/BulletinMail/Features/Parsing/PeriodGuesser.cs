namespace BulletinMail.Features.Parsing;

/// <summary>
/// The period a report is most likely for, when nobody said: the commonest month among its
/// dates (their years where written, else the year nearest <c>near</c>).
/// </summary>
public static class PeriodGuesser
{
    public static Period? FromText(string text, Period near)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextFold.Fold(text).AsSpan();
        var votes = new Dictionary<Period, int>();
        var index = 0;
        while (index < folded.Length && DateScanner.TryFind(folded, index, near, out var match))
        {
            if (match.Start is { } start)
            {
                var period = Period.Of(start);
                votes[period] = votes.GetValueOrDefault(period) + 1;
            }

            index = match.EndIndex;
        }

        return votes.Count == 0
            ? null
            : votes.OrderByDescending(v => v.Value).ThenByDescending(v => v.Key).First().Key;
    }
}
