using System.Text.RegularExpressions;
using System.Buffers;

namespace BulletinMail.Features.Parsing;

/// <summary>
/// Turns a report's text into dated activity entries by unit (DESIGN.md, parser output). Pure:
/// no I/O, no clock. Reads bulletin paragraphs (<c>UNIT:clause;clause。</c> under section
/// headings, with a headline list), numbered unit headings with items, bulleted lists,
/// chronicles, single-unit reports and multi-unit summaries; skips greetings, closings,
/// signatures, quoted replies and editorial prose.
/// </summary>
public sealed partial class ReportParser(IKnownUnits registry)
{
    /// <summary>The section of headline entries (【本期要闻】), whatever the heading's script.</summary>
    public const string HeadlineSection = "本期要闻";

    private const int LongClause = 300;

    private static readonly SearchValues<char> SentenceEnds = SearchValues.Create("。!?");
    private static readonly SearchValues<char> NotInByline = SearchValues.Create("0123456789,;。:、");

    public ReportParser()
        : this(NoKnownUnits.Instance)
    {
    }

    /// <param name="text">The report's text.</param>
    /// <param name="period">The month the report is for; dates without a year are placed nearest it.</param>
    /// <param name="unit">The unit known from outside (the sender registry, the subject), used where the text names none.</param>
    public ParsedReport Parse(string text, Period period, string? unit = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextFold.Fold(text);
        var lines = LineClassifier.Classify(folded, registry);
        var document = new Document(text, folded, period, unit ?? TitleUnit(text, lines), IsMultiUnit(lines));
        var entries = new List<ParsedEntry>();
        ReadBlocks(document, lines, entries);
        return new ParsedReport(period, entries);
    }

    private sealed record Document(string Original, string Folded, Period Period, string? ExternalUnit, bool MultiUnit);

    /// <summary>A paragraph or item: ranges into the document's text, or a joined copy for hard-wrapped lines.</summary>
    /// <param name="Month">The month that dates without one take: a month heading's (七月份, 【10月】), else the report's period.</param>
    private sealed record Block(string Original, string Folded, int Start, int End, LineKind Kind, string? Unit, string? Section, bool Headline, Period Month, bool Flattened = false);

    private static bool IsMultiUnit(List<ReportLine> lines)
    {
        var units = 0;
        foreach (var line in lines)
        {
            if (line.Kind is LineKind.UnitParagraph or LineKind.UnitHeading || (line.Kind == LineKind.Item && line.HasName))
            {
                units++;
            }
        }

        return units >= 2;
    }

    // A title line such as 苏州市科协6月工作情况 names the unit of a single-unit report.
    private string? TitleUnit(string original, List<ReportLine> lines)
    {
        foreach (var line in lines)
        {
            if (line.Kind == LineKind.Title)
            {
                var title = original[line.Start..line.End];
                if (registry.NameIn(title) is { } known)
                {
                    return known;
                }

                var unit = ReportTitle.ReadUnit(title);
                return unit is not null && UnitNameRules.IsUnitName(TextFold.Fold(unit), registry) ? unit : null;
            }
        }

        return null;
    }

    private void ReadBlocks(Document document, List<ReportLine> lines, List<ParsedEntry> entries)
    {
        string? section = null;
        string? unitContext = null;

        // A line that held only a date dates the block after it.
        ActivityDate? carried = null;
        var headline = false;
        var ignoring = false; // under a heading of problems or requests, not of activities
        var month = document.Period;
        var clauses = new List<Clause>();
        Block? open = null;
        ReportLine previous = default;

        void Flush()
        {
            if (open is not null)
            {
                carried = ReadBlock(document, open, clauses, entries, carried);
                open = null;
            }
        }

        void StartContext()
        {
            Flush();
            carried = null;
        }

        foreach (var line in lines)
        {
            switch (line.Kind)
            {
                case LineKind.Heading:
                    StartContext();
                    section = document.Original[line.NameStart..line.NameEnd].Trim();
                    ignoring = NotActivities().IsMatch(document.Folded.AsSpan(line.NameStart, line.NameEnd - line.NameStart));
                    month = MonthHeading(document, line) ?? document.Period;

                    // Sections group units in a bulletin; in a single unit's report they are its own.
                    unitContext = document.MultiUnit ? null : unitContext;
                    headline = false;
                    break;
                case LineKind.HeadlineHeading:
                    StartContext();
                    ignoring = false;
                    section = HeadlineSection;
                    unitContext = null;
                    headline = true;
                    break;
                case LineKind.UnitHeading:
                    StartContext();
                    unitContext = document.Original[line.NameStart..line.NameEnd].Trim();
                    headline = false;
                    break;
                case LineKind.UnitParagraph or LineKind.Item or LineKind.Paragraph when ignoring:
                    Flush();
                    break;
                case LineKind.UnitParagraph:
                case LineKind.Item:
                    Flush();
                    var unit = line.HasName ? document.Original[line.NameStart..line.NameEnd].Trim() : unitContext;
                    open = new Block(document.Original, document.Folded, line.BodyStart, line.BodyEnd, line.Kind, unit, section, headline && !line.HasName, month, line.Flattened);
                    break;
                case LineKind.TableRow:
                    Flush();
                    entries.Add(ReadTableRow(document, line, unitContext, section));
                    break;
                case LineKind.Continuation when open is not null:
                    open = Join(document, open, line);
                    break;
                case LineKind.Paragraph or LineKind.Continuation:
                    if (open is not null && IsContinuation(document, previous, line))
                    {
                        open = Join(document, open, line);
                    }
                    else
                    {
                        Flush();
                        open = new Block(document.Original, document.Folded, line.BodyStart, line.BodyEnd, LineKind.Paragraph, unitContext, section, headline, month, line.Flattened);
                    }

                    break;
                default:
                    Flush();
                    break;
            }

            previous = line;
        }

        Flush();
    }

    // 七月份, 【10月】, 8月: the heading of a month, whose days (17日上午, 中旬) follow without it.
    private static Period? MonthHeading(Document document, ReportLine heading)
    {
        var name = document.Folded.AsSpan(heading.NameStart, heading.NameEnd - heading.NameStart).Trim();
        var n = ChineseNumerals.Read(name, 0, 2, out var month);
        if (n == 0 || month is < 1 or > 12 || n >= name.Length || name[n] != '月'
            || !name[(n + 1)..].TrimStart('份').IsEmpty)
        {
            return null;
        }

        return new Period(DateScanner.InferYear(month, document.Period), month);
    }

    // The row's date is its date cell, or a date that opens its text cell; a deadline column never dates it.
    private ParsedEntry ReadTableRow(Document document, ReportLine row, string? unit, string? section)
    {
        var folded = document.Folded;
        var start = SkipLeading(folded, row.BodyStart, row.BodyEnd);
        var end = TrimTrailing(folded, start, row.BodyEnd);
        var date = ActivityDate.Undated;
        var how = DateSource.None;
        var dayList = false;
        var dateAt = row.HasName ? row.NameStart : start;
        if (ClauseDate.TryReadLeading(folded.AsSpan(0, row.HasName ? row.NameEnd : end), dateAt, document.Period, out var match) && !match.Invalid)
        {
            date = ToActivityDate(document.Original, match);
            how = DateSource.Leading;
            dayList = match.DayList;
            start = row.HasName ? start : SkipLeading(folded, match.EndIndex, end);
        }

        var block = new Block(document.Original, folded, start, end, LineKind.TableRow, unit, section, Headline: false, document.Period);
        return MakeEntry(document, block, date, document.Original[start..end], how, dayList);
    }

    // A hard-wrapped line: the previous line was long, ended mid-sentence, and this one starts no date.
    private static bool IsContinuation(Document document, ReportLine previous, ReportLine line)
    {
        if (previous.Kind is not (LineKind.Paragraph or LineKind.Item or LineKind.UnitParagraph) || previous.End <= previous.Start)
        {
            return false;
        }

        var folded = document.Folded;
        var last = folded[previous.End - 1];
        return last is not ('。' or ';' or '!' or '?' or '.' or ':')
            && DisplayWidth(folded.AsSpan(previous.Start, previous.Length)) >= 60
            && !ClauseDate.TryReadLeading(folded, line.Start, document.Period, out _)
            && !StartsEnglishSentence(folded, previous, line);
    }

    // One English item a line, without full stops: a capital after a complete word starts the next item.
    private static bool StartsEnglishSentence(string folded, ReportLine previous, ReportLine line)
    {
        if (!char.IsAsciiLetterUpper(folded[line.Start]) || !char.IsAsciiLetterOrDigit(folded[previous.End - 1]))
        {
            return false;
        }

        var lastWord = folded.AsSpan(previous.Start, previous.Length);
        lastWord = lastWord[(lastWord.LastIndexOf(' ') + 1)..];
        return lastWord is not ("a" or "an" or "the" or "of" or "and" or "or" or "for" or "to" or "in" or "on" or "at" or "with" or "by" or "from");
    }

    private static int DisplayWidth(ReadOnlySpan<char> text)
    {
        var width = 0;
        foreach (var c in text)
        {
            width += c < 0x1100 ? 1 : 2;
        }

        return width;
    }

    private static Block Join(Document document, Block block, ReportLine line)
    {
        var left = block.Folded[block.End - 1];
        var right = document.Folded[line.BodyStart];
        var separator = char.IsAsciiLetterOrDigit(left) || char.IsAsciiLetterOrDigit(right) || left == ',' ? " " : string.Empty;
        var joinedOriginal = string.Concat(block.Original.AsSpan(block.Start, block.End - block.Start), separator, document.Original.AsSpan(line.BodyStart, line.BodyEnd - line.BodyStart));
        var joinedFolded = string.Concat(block.Folded.AsSpan(block.Start, block.End - block.Start), separator, document.Folded.AsSpan(line.BodyStart, line.BodyEnd - line.BodyStart));
        return block with { Original = joinedOriginal, Folded = joinedFolded, Start = 0, End = joinedOriginal.Length };
    }

    /// <param name="carried">The date of a preceding line that held only a date, which dates this block's first clauses.</param>
    /// <returns>The date to carry to the next block: this block's date when it is a date alone, else none.</returns>
    private ActivityDate? ReadBlock(Document document, Block block, List<Clause> clauses, List<ParsedEntry> entries, ActivityDate? carried)
    {
        // In a bulletin or multi-unit summary, text outside any unit's paragraph is editorial prose.
        if (document.MultiUnit && block.Unit is null && !block.Headline && block.Kind == LineKind.Paragraph)
        {
            return null;
        }

        clauses.Clear();
        var end = WithoutByline(block.Folded, block.Start, block.End);
        // An English list item is one entry: its ; joins two halves of a sentence (a unit's paragraph still splits).
        var semicolonsSplit = block.Kind != LineKind.Item || block.Folded.AsSpan(block.Start, end - block.Start).IndexOfAnyInRange('\u4e00', '\u9fff') >= 0;
        ClauseSplitter.Split(block.Folded, block.Start, end, block.Month, clauses, semicolonsSplit);

        var firstEntry = entries.Count;
        var anyOwnDate = false;
        for (var i = 0; i < clauses.Count; i++)
        {
            var (start, clauseEnd, endsSentence) = clauses[i];
            // 主要做了以下几方面工作:一是… — what announces the points is none of them.
            if (i == 0 && endsSentence && clauses.Count > 1
                && (block.Folded[clauseEnd] == ':' || IsLeadIn(block.Folded, start, clauseEnd, block.Month)))
            {
                continue;
            }

            var clause = ReadClause(block, start, clauseEnd, block.Month, carried);
            if (clause is null)
            {
                continue;
            }

            var (date, textStart, textEnd, how, dayList) = clause.Value;
            if (how == DateSource.Leading && IsAboutTheDate(block.Folded, textStart, textEnd))
            {
                continue;
            }

            anyOwnDate |= how != DateSource.Inherited && date.Precision != DatePrecision.Undated;
            carried = date.Precision == DatePrecision.Undated ? carried : date;
            if (textEnd > textStart)
            {
                entries.Add(MakeEntry(document, block, date, block.Original[textStart..textEnd], how, dayList));
            }
            else if (clauses.Count == 1 && how == DateSource.Leading)
            {
                return date; // "6月15日" alone on its line: it dates what follows
            }
        }

        if (!anyOwnDate && IsProse(block, end))
        {
            entries.RemoveRange(firstEntry, entries.Count - firstEntry);
        }

        return null;
    }

    // 5月30日是第六个“全国科技工作者日”, 5月下旬以来,…开展了一系列活动: a date that is the sentence's
    // subject, or the start of a span up to now, opens a web article's overview, not an activity.
    private static bool IsAboutTheDate(string folded, int textStart, int textEnd)
    {
        var rest = folded.AsSpan(textStart, textEnd - textStart);
        return rest.StartsWith('是') || rest.StartsWith("以来", StringComparison.Ordinal);
    }

    // "…补救技术。 (王晓岚)", "…主持会议。 (记者 杨帆)", "…座谈会。 (供稿:省科协办公室)": a byline closing a news brief is no part of it.
    private static int WithoutByline(string folded, int start, int end)
    {
        var trimmed = end;
        while (trimmed > start && TextFold.IsSpace(folded[trimmed - 1]))
        {
            trimmed--;
        }

        if (trimmed - start < 8 || folded[trimmed - 1] != ')')
        {
            return end;
        }

        var open = folded.LastIndexOf('(', trimmed - 1, Math.Min(24, trimmed - start));
        if (open <= start)
        {
            return end;
        }

        var inside = folded.AsSpan(open + 1, trimmed - open - 2);
        var before = folded[open - 1];
        var isByline = (inside.Length is >= 2 and <= 20 && !inside.ContainsAny(NotInByline) || LineClassifier.IsByline(folded.AsSpan(open, trimmed - open)))
            && (before is '。' or '!' || TextFold.IsSpace(before));
        return isByline ? open : end;
    }

    // "(一)加强组织建设。3月5日,召开…": a short undated sentence that introduces the dated ones.
    private static bool IsLeadIn(string folded, int start, int end, Period period)
    {
        var span = folded.AsSpan(start, end - start).Trim();
        return span.Length <= 20 && !ClauseDate.TryReadLeading(folded.AsSpan(0, end), SkipLeading(folded, start, end), period, out _)
            && !DateScanner.TryFind(folded.AsSpan(0, end), start, period, out _);
    }

    // Undated narrative: several sentences, or a long one, or a line too short to be an activity (a name).
    // Measured without the closing byline, which is no part of the text.
    private static bool IsProse(Block block, int end)
    {
        if (block.Headline || block.Kind == LineKind.Item)
        {
            return false;
        }

        var text = block.Folded.AsSpan(block.Start, end - block.Start).TrimEnd("。.;!? ");
        var overview = text[..Math.Min(text.Length, 12)].Contains("以来", StringComparison.Ordinal); // 6月以来,…取得新进展
        return overview || text.Length > 80 || text.Length <= 5 || text.IndexOfAny("。!?") >= 0 || (block.Unit is null && text.Contains(". ", StringComparison.Ordinal));
    }

    private enum DateSource
    {
        Leading,
        Within,
        Inherited,
        None,
    }

    private static (ActivityDate Date, int TextStart, int TextEnd, DateSource How, bool DayList)? ReadClause(Block block, int start, int end, Period period, ActivityDate? carried)
    {
        var folded = block.Folded;
        start = SkipLeading(folded, start, end);
        end = TrimTrailing(folded, start, end);
        start = SkipEnumerationWord(folded, start, end);
        if (start >= end)
        {
            return null;
        }

        var span = folded.AsSpan(0, end);
        if (ClauseDate.TryReadLeading(span, start, period, out var match))
        {
            var date = ToActivityDate(block.Original, match);
            var textStart = SkipLeading(folded, match.EndIndex, end);
            if (textStart < end && folded[textStart] is ')' or ']' or '】')
            {
                textStart = SkipLeading(folded, textStart + 1, end); // 【6月15日】召开…
            }

            return (date, textStart, end, match.Invalid ? DateSource.None : DateSource.Leading, match.DayList);
        }

        if ((DateScanner.TryFind(span, start, period, out match) && !match.Invalid) || TryFindApproximate(span, start, out match))
        {
            return (ToActivityDate(block.Original, match), start, end, DateSource.Within, match.DayList);
        }

        return carried is null
            ? (ActivityDate.Undated, start, end, DateSource.None, false)
            : (carried, start, end, DateSource.Inherited, false);
    }

    // "…只剩20来天。日前,临安市科协…": an approximate word that opens a later sentence dates the brief.
    private static bool TryFindApproximate(ReadOnlySpan<char> folded, int start, out DateMatch match)
    {
        for (var p = start; folded[p..].IndexOfAny(SentenceEnds) is var stop and >= 0;)
        {
            p += stop + 1;
            var q = p;
            while (q < folded.Length && TextFold.IsSpace(folded[q]))
            {
                q++;
            }

            if (DateScanner.TryReadAt(folded, q, new Period(2000, 1), out match) && match.Precision == DatePrecision.Approximate)
            {
                return true;
            }
        }

        match = default;
        return false;
    }

    // 一是…;二是…: the enumeration word opens the clause like a list marker.
    private static int SkipEnumerationWord(string folded, int start, int end) =>
        end - start > 2 && ClauseSplitter.StartsEnumeration(folded, start, end)
            ? SkipLeading(folded, start + 2, end)
            : start;

    private static ActivityDate ToActivityDate(string original, DateMatch match) =>
        new(match.Start, match.End, match.Invalid ? DatePrecision.Undated : match.Precision, original.Substring(match.Index, match.Length).Trim());

    private static int SkipLeading(string folded, int start, int end)
    {
        while (start < end && (TextFold.IsSpace(folded[start]) || folded[start] is ',' or ':' or '、' or ';' or '-' or '—' or '–' or '.'))
        {
            start++;
        }

        return start;
    }

    private static int TrimTrailing(string folded, int start, int end)
    {
        while (end > start && (TextFold.IsSpace(folded[end - 1]) || folded[end - 1] is ';' or '。' or ',' or '、' or '.'))
        {
            end--;
        }

        return end;
    }

    private ParsedEntry MakeEntry(Document document, Block block, ActivityDate date, string text, DateSource how, bool dayList)
    {
        var unit = block.Headline ? null : block.Unit ?? document.ExternalUnit;
        var warnings = new List<string>(0);
        var confidence = 1.0;

        void Warn(string warning, double cost)
        {
            warnings.Add(warning);
            confidence -= cost;
        }

        switch (how)
        {
            case DateSource.None when date.Text is not null:
                Warn($"invalid-date: {date.Text} is not a day of the calendar", 0.4);
                break;
            case DateSource.None:
                Warn("no-date: the clause has no date and none to inherit", 0.3);
                break;
            case DateSource.Within:
                Warn("date-inside-clause: the date was found inside the text, not at its start", 0.1);
                break;
            case DateSource.Inherited:
                confidence -= 0.05;
                break;
        }

        if (date.Precision == DatePrecision.Approximate)
        {
            confidence -= 0.05;
        }

        if (date is { Start: { } first, End: { } last }
            && (last < document.Period.AddMonths(-1).FirstDay || first > document.Period.AddMonths(1).LastDay))
        {
            Warn($"date-outside-period: {first:yyyy-MM-dd} is more than a month outside {document.Period}", 0.3);
        }

        if (unit is null && !block.Headline)
        {
            Warn("unit-unknown: the text names no unit and none was given", 0.2);
        }
        else if (unit is not null && !registry.IsEmpty && registry.NameOf(TextFold.Fold(unit)) is null)
        {
            Warn($"unit-not-registered: {unit} is not in the unit registry", 0.1);
        }

        if (dayList)
        {
            Warn($"day-list: {date.Text} names several days; the entry is dated by the first", 0.15);
        }

        if (block.Kind == LineKind.TableRow)
        {
            Warn("table-row: read from a table row; check the cell it took and its date", 0.1);
        }

        if (block.Flattened)
        {
            Warn("flattened-layout: the report's line breaks were lost; its items were cut at their markers", 0.1);
        }

        if (text.Length > LongClause)
        {
            Warn($"long-clause: {text.Length} characters; it may hold several activities", 0.15);
        }

        var section = block.Headline ? HeadlineSection : block.Section;
        return new ParsedEntry(unit, section, date, text, Math.Round(Math.Clamp(confidence, 0, 1), 2), warnings, how == DateSource.Inherited);
    }

    // 存在的问题和建议, Issues requiring action, Officers: what such a section lists are not activities.
    [GeneratedRegex(@"^(?:(?:存在的?|主要|当前|目前)?(?:问题|困难)(?:和|与|及)?(?:困难|问题|建议)?|意见(?:和|与)?建议|(?:有关)?建议|需(?:要)?.{0,8}(?:协调|解决|支持)|编者按|卷首语|导读|(?:issues|problems|challenges|concerns|requests|action items|officers|contacts|in this issue|(?:(?:the )?(?:chair|president|editor)(?:'s|’s)? )?(?:message|note|corner|foreword))\b)", RegexOptions.IgnoreCase)]
    private static partial Regex NotActivities();
}
