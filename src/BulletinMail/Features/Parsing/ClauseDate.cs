namespace BulletinMail.Features.Parsing;

/// <summary>The date that opens a clause, with the words that may stand before it (On 3 June, 于6月5日).</summary>
internal static class ClauseDate
{
    private static readonly string[] LeadingWords = ["on ", "in ", "from ", "【", "[", "("];

    public static bool TryReadLeading(ReadOnlySpan<char> folded, int index, Period period, out DateMatch match)
    {
        if (DateScanner.TryReadAt(folded, index, period, out match))
        {
            return true;
        }

        foreach (var word in LeadingWords)
        {
            if (folded[index..].StartsWith(word, StringComparison.OrdinalIgnoreCase)
                && DateScanner.TryReadAt(folded, index + word.Length, period, out match)
                && match.Precision != DatePrecision.Approximate)
            {
                return true;
            }
        }

        return false;
    }
}
