namespace BulletinMail.Features.Parsing;

/// <summary>
/// Cuts a paragraph into clauses: at every <c>;</c> of a paragraph (the house style's clause
/// separator), and at a sentence end or an item's <c>;</c> only where the next part starts with
/// a date of its own. Never inside quotes or brackets (“…;…”, 《…》, (…)).
/// </summary>
internal static class ClauseSplitter
{
    public static void Split(string folded, int start, int end, bool splitEverySemicolon, Period period, List<(int Start, int End)> clauses)
    {
        var depth = 0;
        var clauseStart = start;
        var straightQuoteOpen = false;
        for (var i = start; i < end; i++)
        {
            var c = folded[i];
            switch (c)
            {
                case '“' or '‘' or '《' or '(' or '[' or '「' or '『' or '【' or '〈':
                    depth++;
                    continue;
                case '”' or '’' or '》' or ')' or ']' or '」' or '』' or '】' or '〉':
                    depth = Math.Max(0, depth - 1);
                    continue;
                case '"':
                    straightQuoteOpen = !straightQuoteOpen;
                    continue;
            }

            if (depth > 0 || straightQuoteOpen || !IsBoundary(folded, i, end, splitEverySemicolon, period))
            {
                continue;
            }

            clauses.Add((clauseStart, i));
            clauseStart = i + 1;
        }

        clauses.Add((clauseStart, end));

        // An unclosed quote or bracket would swallow the rest of the paragraph: split again ignoring them.
        if ((depth > 0 || straightQuoteOpen) && clauses.Count == 1)
        {
            clauses.Clear();
            SplitIgnoringBrackets(folded, start, end, splitEverySemicolon, period, clauses);
        }
    }

    private static void SplitIgnoringBrackets(string folded, int start, int end, bool splitEverySemicolon, Period period, List<(int Start, int End)> clauses)
    {
        var clauseStart = start;
        for (var i = start; i < end; i++)
        {
            if (IsBoundary(folded, i, end, splitEverySemicolon, period))
            {
                clauses.Add((clauseStart, i));
                clauseStart = i + 1;
            }
        }

        clauses.Add((clauseStart, end));
    }

    private static bool IsBoundary(string folded, int i, int end, bool splitEverySemicolon, Period period)
    {
        var c = folded[i];
        if (c == ';')
        {
            return splitEverySemicolon || NextStartsDated(folded, i + 1, end, period);
        }

        // A full stop ends a sentence only before white space or the end ("2016.6.18", "3.5亿" are not).
        var sentenceEnd = c is '。' or '!' or '?'
            || (c == '.' && (i + 1 >= end || folded[i + 1] == ' '));
        return sentenceEnd && NextStartsDated(folded, i + 1, end, period);
    }

    private static bool NextStartsDated(string folded, int from, int end, Period period)
    {
        var p = from;
        while (p < end && TextFold.IsSpace(folded[p]))
        {
            p++;
        }

        return p < end && ClauseDate.TryReadLeading(folded.AsSpan(0, end), p, period, out _);
    }
}
