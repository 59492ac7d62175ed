namespace BulletinMail.Features.Parsing;

/// <summary>A clause of a paragraph; <paramref name="EndsSentence"/> when a full stop, not a <c>;</c>, ended it.</summary>
internal readonly record struct Clause(int Start, int End, bool EndsSentence);

/// <summary>
/// Cuts a paragraph or item into clauses: at every <c>;</c> (the house style's clause
/// separator), and at a sentence end only where the next part starts with a date of its own. Once a sentence runs on undated (会议指出,一是…;二是…), its <c>;</c> no
/// longer cut until a dated part begins. Never inside quotes or brackets (“…;…”, 《…》, (…)).
/// </summary>
internal static class ClauseSplitter
{
    // An undated sentence this short before a dated one introduces it ((一)加强组织建设。3月5日,…).
    private const int LeadInLength = 20;

    /// <param name="semicolonsSplit">False where a <c>;</c> alone cuts nothing (an English list item): only a dated part starts a clause.</param>
    public static void Split(string folded, int start, int end, Period period, List<Clause> clauses, bool semicolonsSplit)
    {
        if (!Split(folded, start, end, period, clauses, semicolonsSplit, ignoreBrackets: false))
        {
            // An unclosed quote or bracket would swallow the rest of the paragraph: split again ignoring them.
            clauses.Clear();
            Split(folded, start, end, period, clauses, semicolonsSplit, ignoreBrackets: true);
        }
    }

    /// <returns>False when a quote or bracket never closed and nothing was split.</returns>
    private static bool Split(string folded, int start, int end, Period period, List<Clause> clauses, bool semicolonsSplit, bool ignoreBrackets)
    {
        var depth = 0;
        var straightQuoteOpen = false;
        var runOnSentence = false;
        var quotedPoints = false;
        var clauseStart = start;
        for (var i = start; i < end; i++)
        {
            var c = folded[i];
            if (!ignoreBrackets)
            {
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

                if (depth > 0 || straightQuoteOpen)
                {
                    continue;
                }
            }

            if (c == ',' && NextStartsEnumeration(folded, i + 1, end))
            {
                quotedPoints = true; // 指出,一是…;二是…: the points of a speech, not activities
            }

            var sentenceEnd = IsSentenceEnd(folded, i, end);
            if (c != ';' && !sentenceEnd && c != ':')
            {
                continue;
            }

            // 一是…;二是…: each point is a clause, unless a speech is being quoted.
            var enumerated = !quotedPoints && NextStartsEnumeration(folded, i + 1, end);
            if (c == ':' && !enumerated)
            {
                continue;
            }

            // A dated sentence starts a clause, unless all before it is the undated context of a news brief.
            // 一是抓疫情防控科普。8月4日,…: the point's topic and its dated activity are one clause.
            var nextDated = NextStartsDated(folded, i + 1, end, period)
                && (c == ';' || i - clauseStart <= LeadInLength || HasDate(folded, clauseStart, i, period))
                && (c == ';' || !NextStartsEnumeration(folded, clauseStart, i));
            var boundary = enumerated || nextDated || (c == ';' && semicolonsSplit && !runOnSentence);
            if (!boundary)
            {
                runOnSentence |= sentenceEnd;
                continue;
            }

            clauses.Add(new Clause(clauseStart, i, sentenceEnd || c == ':'));
            clauseStart = i + 1;
            runOnSentence = false;
            quotedPoints = false;
        }

        clauses.Add(new Clause(clauseStart, end, EndsSentence: true));
        return ignoreBrackets || (depth == 0 && !straightQuoteOpen) || clauses.Count > 1;
    }

    // A full stop ends a sentence only before white space or the end ("2016.6.18", "3.5亿" are not).
    // Nor does an abbreviation's before a number ("Oct. 22", "No. 5", "Vol. 14").
    private static bool IsSentenceEnd(string folded, int i, int end)
    {
        var c = folded[i];
        return c is '。' or '!' or '?'
            || (c == '.' && (i + 1 >= end || (folded[i + 1] == ' ' && (i + 2 >= end || !char.IsAsciiDigit(folded[i + 2])))));
    }

    private static int SkipSpaces(string folded, int from, int end)
    {
        while (from < end && TextFold.IsSpace(folded[from]))
        {
            from++;
        }

        return from;
    }

    private static bool NextStartsEnumeration(string folded, int from, int end) => StartsEnumeration(folded, SkipSpaces(folded, from, end), end);

    /// <summary>一是, 二是 … 十是: the word that opens each point of a list in prose.</summary>
    public static bool StartsEnumeration(string folded, int at, int end) =>
        at + 1 < end && folded[at + 1] == '是' && folded[at] is '一' or '二' or '三' or '四' or '五' or '六' or '七' or '八' or '九' or '十';

    private static bool HasDate(string folded, int start, int end, Period period)
    {
        var span = folded.AsSpan(0, end);
        start = SkipSpaces(folded, start, end);
        return ClauseDate.TryReadLeading(span, start, period, out _) || DateScanner.TryFind(span, start, period, out _);
    }

    private static bool NextStartsDated(string folded, int from, int end, Period period)
    {
        var p = SkipSpaces(folded, from, end);
        return p < end && ClauseDate.TryReadLeading(folded.AsSpan(0, end), p, period, out _);
    }
}
