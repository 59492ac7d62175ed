using BulletinMail.Features.Units;

namespace BulletinMail.Features.Parsing;

/// <summary>
/// Turns a report's text into dated activity entries by unit (DESIGN.md, parser output). Pure:
/// no I/O, no clock. Reads bulletin paragraphs (<c>UNIT:clause;clause。</c> under section
/// headings, with a headline list), numbered unit headings with items, bulleted lists,
/// chronicles, single-unit reports and multi-unit summaries; skips greetings, closings,
/// signatures, quoted replies and editorial prose.
/// </summary>
public sealed class ReportParser(UnitRegistry registry)
{
    /// <summary>The section of headline entries (【本期要闻】), whatever the heading's script.</summary>
    public const string HeadlineSection = "本期要闻";

    private const int LongClause = 300;

    public ReportParser()
        : this(UnitRegistry.Empty)
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
    private sealed record Block(string Original, string Folded, int Start, int End, LineKind Kind, string? Unit, string? Section, bool Headline);

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
                if (registry.FindInText(title) is { } known)
                {
                    return known.Name;
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
        ActivityDate? dateLine = null;
        var headline = false;
        var clauses = new List<Clause>();
        Block? open = null;
        ReportLine previous = default;

        void Flush()
        {
            if (open is not null)
            {
                dateLine = ReadBlock(document, open, clauses, entries, dateLine);
                open = null;
            }
        }

        foreach (var line in lines)
        {
            switch (line.Kind)
            {
                case LineKind.Heading:
                    Flush();
                    section = document.Original[line.NameStart..line.NameEnd].Trim();

                    // Sections group units in a bulletin; in a single unit's report they are its own.
                    unitContext = document.MultiUnit ? null : unitContext;
                    dateLine = null;
                    headline = false;
                    break;
                case LineKind.HeadlineHeading:
                    Flush();
                    section = HeadlineSection;
                    unitContext = null;
                    dateLine = null;
                    headline = true;
                    break;
                case LineKind.UnitHeading:
                    Flush();
                    unitContext = document.Original[line.NameStart..line.NameEnd].Trim();
                    dateLine = null;
                    headline = false;
                    break;
                case LineKind.UnitParagraph:
                case LineKind.Item:
                    Flush();
                    var unit = line.HasName ? document.Original[line.NameStart..line.NameEnd].Trim() : unitContext;
                    open = new Block(document.Original, document.Folded, line.BodyStart, line.BodyEnd, line.Kind, unit, section, headline && !line.HasName);
                    break;
                case LineKind.Paragraph:
                    if (open is not null && IsContinuation(document.Folded, previous, line, document.Period))
                    {
                        open = Join(open, line);
                    }
                    else
                    {
                        Flush();
                        open = new Block(document.Original, document.Folded, line.BodyStart, line.BodyEnd, LineKind.Paragraph, unitContext, section, headline);
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

    // A hard-wrapped line: the previous line was long, ended mid-sentence, and this one starts no date.
    private static bool IsContinuation(string folded, ReportLine previous, ReportLine line, Period period)
    {
        if (previous.Kind is not (LineKind.Paragraph or LineKind.Item or LineKind.UnitParagraph) || previous.End <= previous.Start)
        {
            return false;
        }

        var last = folded[previous.End - 1];
        return last is not ('。' or ';' or '!' or '?' or '.' or ':')
            && DisplayWidth(folded.AsSpan(previous.Start, previous.Length)) >= 60
            && !ClauseDate.TryReadLeading(folded, line.Start, period, out _);
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

    private static Block Join(Block block, ReportLine line)
    {
        var original = block.Original;
        var folded = block.Folded;
        var left = folded[block.End - 1];
        var right = folded[line.BodyStart];
        var separator = char.IsAsciiLetterOrDigit(left) || char.IsAsciiLetterOrDigit(right) || left == ',' ? " " : string.Empty;
        var joinedOriginal = string.Concat(original.AsSpan(block.Start, block.End - block.Start), separator, original.AsSpan(line.BodyStart, line.BodyEnd - line.BodyStart));
        var joinedFolded = string.Concat(folded.AsSpan(block.Start, block.End - block.Start), separator, folded.AsSpan(line.BodyStart, line.BodyEnd - line.BodyStart));
        return block with { Original = joinedOriginal, Folded = joinedFolded, Start = 0, End = joinedOriginal.Length };
    }

    /// <param name="dateLine">The date of a preceding line that held only a date, which dates this block's first clauses.</param>
    /// <returns>The date to carry to the next block: this block's date when it is a date alone, else none.</returns>
    private ActivityDate? ReadBlock(Document document, Block block, List<Clause> clauses, List<ParsedEntry> entries, ActivityDate? dateLine)
    {
        // In a bulletin or multi-unit summary, text outside any unit's paragraph is editorial prose.
        if (document.MultiUnit && block.Unit is null && !block.Headline && block.Kind == LineKind.Paragraph)
        {
            return null;
        }

        clauses.Clear();
        ClauseSplitter.Split(block.Folded, block.Start, block.End, document.Period, clauses);
        var firstEntry = entries.Count;
        var anyOwnDate = false;
        ActivityDate? carried = dateLine;
        for (var i = 0; i < clauses.Count; i++)
        {
            var (start, end, endsSentence) = clauses[i];
            if (i == 0 && endsSentence && clauses.Count > 1 && IsLeadIn(block.Folded, start, end, document.Period))
            {
                continue;
            }

            var clause = ReadClause(block, start, end, document.Period, carried);
            if (clause is null)
            {
                continue;
            }

            var (date, textStart, textEnd, how) = clause.Value;
            anyOwnDate |= how != DateSource.Inherited && date.Precision != DatePrecision.Undated;
            carried = date.Precision == DatePrecision.Undated ? carried : date;
            if (textEnd > textStart)
            {
                entries.Add(MakeEntry(document, block, date, block.Original[textStart..textEnd], how));
            }
            else if (clauses.Count == 1 && how == DateSource.Leading)
            {
                return date; // "6月15日" alone on its line: it dates what follows
            }
        }

        if (!anyOwnDate && IsProse(block))
        {
            entries.RemoveRange(firstEntry, entries.Count - firstEntry);
        }

        return null;
    }

    // "(一)加强组织建设。3月5日,召开…": a short undated sentence that introduces the dated ones.
    private static bool IsLeadIn(string folded, int start, int end, Period period)
    {
        var span = folded.AsSpan(start, end - start).Trim();
        return span.Length <= 20 && !ClauseDate.TryReadLeading(folded.AsSpan(0, end), SkipLeading(folded, start, end), period, out _)
            && !DateScanner.TryFind(folded.AsSpan(0, end), start, period, out _);
    }

    // Undated narrative: several sentences, or a long one, or a line too short to be an activity (a name).
    private static bool IsProse(Block block)
    {
        if (block.Headline || block.Kind == LineKind.Item)
        {
            return false;
        }

        var text = block.Folded.AsSpan(block.Start, block.End - block.Start).TrimEnd("。.;!? ");
        return text.Length > 80 || text.Length <= 5 || text.IndexOfAny("。!?") >= 0 || (block.Unit is null && text.Contains(". ", StringComparison.Ordinal));
    }

    private enum DateSource
    {
        Leading,
        Within,
        Inherited,
        None,
    }

    private static (ActivityDate Date, int TextStart, int TextEnd, DateSource How)? ReadClause(Block block, int start, int end, Period period, ActivityDate? carried)
    {
        var folded = block.Folded;
        start = SkipLeading(folded, start, end);
        end = TrimTrailing(folded, start, end);
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

            return (date, textStart, end, match.Invalid ? DateSource.None : DateSource.Leading);
        }

        if (DateScanner.TryFind(span, start, period, out match) && !match.Invalid)
        {
            return (ToActivityDate(block.Original, match), start, end, DateSource.Within);
        }

        return carried is null
            ? (ActivityDate.Undated, start, end, DateSource.None)
            : (carried, start, end, DateSource.Inherited);
    }

    private static ActivityDate ToActivityDate(string original, DateMatch match) =>
        new(match.Start, match.End, match.Invalid ? DatePrecision.Undated : match.Precision, original.Substring(match.Index, match.Length).Trim());

    private static int SkipLeading(string folded, int start, int end)
    {
        while (start < end && (TextFold.IsSpace(folded[start]) || folded[start] is ',' or ':' or '、' or ';' or '-' or '—' or '.'))
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

    private ParsedEntry MakeEntry(Document document, Block block, ActivityDate date, string text, DateSource how)
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
        else if (unit is not null && registry.Units.Count > 0 && registry.FindByName(TextFold.Fold(unit)) is null)
        {
            Warn($"unit-not-registered: {unit} is not in the unit registry", 0.1);
        }

        if (text.Length > LongClause)
        {
            Warn($"long-clause: {text.Length} characters; it may hold several activities", 0.15);
        }

        var section = block.Headline ? HeadlineSection : block.Section;
        return new ParsedEntry(unit, section, date, text, Math.Round(Math.Clamp(confidence, 0, 1), 2), warnings, how == DateSource.Inherited);
    }
}
