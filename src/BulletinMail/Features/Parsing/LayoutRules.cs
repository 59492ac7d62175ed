using System.Buffers;
using System.Text.RegularExpressions;

namespace BulletinMail.Features.Parsing;

/// <summary>
/// Reads the classified lines as a whole and corrects what one line alone cannot tell: the
/// report's title lines, the addressee of a greeting, a forwarder's cover note, a list of
/// headlines numbered like headings, headings known only by their place, a signature block.
/// </summary>
internal static partial class LayoutRules
{
    private static readonly SearchValues<char> ClausePunctuation = SearchValues.Create(",;。:!?");
    private static readonly SearchValues<char> ClauseStops = SearchValues.Create(",;。!?"); // a colon may end a label
    private static readonly SearchValues<char> SignaturePunctuation = SearchValues.Create(";。!?:");

    private static readonly string[] TitleWords =
    [
        "report", "newsletter", "bulletin", "update", "minutes", "summary", "报告", "总结", "小结", "情况", "动态", "简报", "简讯",
        "快报", "月报", "周报", "大事记", "纪事", "汇报", "要点", "计划", "工作",
    ];

    public static void Apply(string folded, List<ReportLine> lines, IKnownUnits registry)
    {
        TableRules.Apply(folded, lines);
        SkipAttachmentLists(folded, lines);
        MarkTitles(folded, lines);
        SkipAddressees(folded, lines);
        SkipCoverNote(folded, lines);
        ListHeadlines(folded, lines);
        ItemsOverSubItems(folded, lines);
        UnitPrefixesByPlace(folded, lines);
        HeadingsByPlace(folded, lines, registry);
        SkipSignature(folded, lines);
        MarkContinuations(folded, lines);
    }

    private static bool IsContent(ReportLine line) => line.Kind is not (LineKind.Blank or LineKind.Skip);

    private static int NextContent(List<ReportLine> lines, int from)
    {
        for (var i = from; i < lines.Count; i++)
        {
            if (IsContent(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool StartsDated(string folded, ReportLine line) =>
        ClauseDate.TryReadLeading(folded.AsSpan(0, line.End), line.Kind is LineKind.Item or LineKind.UnitParagraph ? line.BodyStart : line.Start, new Period(2000, 1), out _);

    // Short, no clause punctuation, no date: a title, a name, a heading.
    private static bool IsLabelLike(string folded, ReportLine line) =>
        line.Length <= (char.IsAsciiLetter(folded[line.Start]) ? 80 : 40) && !folded.AsSpan(line.Start, line.Length).ContainsAny(ClausePunctuation)
        && !DateScanner.TryFind(folded.AsSpan(0, line.End), line.Start, new Period(2000, 1), out _);

    // The lines above the first blank line that carry no clause and no date: the report's title
    // (a unit's name, then 9月工作总结及10月工作计划).
    private static void MarkTitles(string folded, List<ReportLine> lines)
    {
        var first = NextContent(lines, 0);
        for (var i = first; i >= 0 && i < lines.Count && i - first < 4; i++)
        {
            var line = lines[i];
            if (line.Kind == LineKind.Blank || line.Kind == LineKind.Skip && i > first)
            {
                break;
            }

            if (line.Kind is LineKind.Paragraph && (IsLabelLike(folded, line) || (i == first && IsTitleWithDate(folded, line))) && (i + 1 >= lines.Count || lines[i + 1].Kind != LineKind.Paragraph || !StartsDated(folded, lines[i + 1])))
            {
                lines[i] = line with { Kind = LineKind.Title };
            }
            else if (line.Kind is not (LineKind.Title or LineKind.UnitHeading))
            {
                break;
            }
        }
    }

    // IEEE Orlando Section Report Region 3 March 2009 Meeting, 2021年第5期 五月份工作大记事: the first line names the report.
    private static bool IsTitleWithDate(string folded, ReportLine line)
    {
        var text = folded.AsSpan(line.Start, line.Length);
        if (text.Length > 80 || text.ContainsAny(ClauseStops))
        {
            return false;
        }

        foreach (var word in TitleWords)
        {
            if (text.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // 附件:1.…工作照片 / 2.…申报表.docx, Attachments: — a document's list of its attachments, down
    // to the next blank line, names files, not activities (their names carry dates: 3月20日…纪要.pdf).
    private static void SkipAttachmentLists(string folded, List<ReportLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind == LineKind.Blank || !AttachmentLabel().IsMatch(folded.AsSpan(lines[i].Start, lines[i].Length)))
            {
                continue;
            }

            for (; i < lines.Count && lines[i].Kind != LineKind.Blank; i++)
            {
                lines[i] = lines[i] with { Kind = LineKind.Skip };
            }
        }
    }

    // 省科协学会部: / 你们好!现将…报告如下: — the line before a greeting names the recipient, not a unit or a section.
    private static void SkipAddressees(string folded, List<ReportLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind is not (LineKind.Heading or LineKind.UnitHeading or LineKind.Paragraph or LineKind.Title) || line.Level > 0
                || line.Length > 30 || folded[line.End - 1] != ':')
            {
                continue;
            }

            var next = i + 1 < lines.Count ? i + 1 : -1;
            while (next >= 0 && next < lines.Count && lines[next].Kind == LineKind.Blank)
            {
                next++;
            }

            if (next >= 0 && next < lines.Count && lines[next].Kind == LineKind.Skip && !IsQuote(folded, lines[next]))
            {
                lines[i] = line with { Kind = LineKind.Skip };
            }
        }
    }

    private static bool IsQuote(string folded, ReportLine line) => line.Length > 0 && folded[line.Start] is '>' or '|';

    // 转发联络员报送的材料 above a forwarded report: the forwarder's cover note.
    private static void SkipCoverNote(string folded, List<ReportLine> lines)
    {
        var marker = lines.FindIndex(l => l.Kind == LineKind.Skip && LineClassifier.IsForwardMarker(folded.AsSpan(l.Start, l.Length)));
        for (var i = 0; i < marker; i++)
        {
            var line = lines[i];
            if (IsContent(line) && line.Kind != LineKind.Item && !StartsDated(folded, line))
            {
                lines[i] = line with { Kind = LineKind.Skip };
            }
        }
    }

    // 一、… 二、… 三、… with nothing under any of them: a list of headlines, not of sections.
    private static void ListHeadlines(string folded, List<ReportLine> lines)
    {
        var run = new List<int>();
        var lastItem = new int[3]; // the number of the last item of levels 1 and 2, 0 after a heading
        void Close()
        {
            if (run.Count >= 2)
            {
                foreach (var index in run)
                {
                    var heading = lines[index];
                    lines[index] = heading with { Kind = LineKind.Item, BodyStart = heading.NameStart, BodyEnd = heading.End, NameStart = 0, NameEnd = 0 };
                }
            }

            run.Clear();
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!IsContent(line))
            {
                continue;
            }

            // 八、9月下旬,… then 九、澧县科协…开进乡村学校: a heading that goes on numbering the items above it is one
            // of them, unless items or units of its own follow it (二、8月工作计划 over 1、…).
            var next = NextContent(lines, i + 1);
            if (line.Kind is LineKind.Item or LineKind.Heading && line.Level is 1 or 2)
            {
                var number = ChineseNumerals.Read(folded, line.Start + (line.Level == 2 ? 1 : 0), 3, out var value) > 0 ? value : 0;
                var headsBelow = next > 0 && (lines[next].Kind is LineKind.UnitHeading or LineKind.UnitParagraph
                    || (lines[next].Kind is LineKind.Item or LineKind.Heading && lines[next].Level > line.Level));
                if (line.Kind == LineKind.Heading && number > 1 && lastItem[line.Level] == number - 1 && !headsBelow)
                {
                    lines[i] = line = line with { Kind = LineKind.Item, BodyStart = line.NameStart, BodyEnd = line.End, NameStart = 0, NameEnd = 0 };
                    Close();
                }

                lastItem[line.Level] = line.Kind == LineKind.Item ? number : 0;
            }

            var empty = line.Kind == LineKind.Heading && line.Level > 0
                && (next < 0 || (lines[next].Kind == LineKind.Heading && lines[next].Level <= line.Level) || lines[next].Kind == LineKind.End);
            if (line.Kind == LineKind.Heading && line.Level > 0 && next > 0 && lines[next].Kind == LineKind.Item && lines[next].Level == line.Level)
            {
                // 二、…主题教育 between 一、9月2日,… and 三、9月7日,…: an item of the same list, undated.
                lines[i] = line with { Kind = LineKind.Item, BodyStart = line.NameStart, BodyEnd = line.End, NameStart = 0, NameEnd = 0 };
                Close();
                continue;
            }

            if (empty && (run.Count == 0 || lines[run[^1]].Level == line.Level))
            {
                run.Add(i);
            }
            else
            {
                Close(); // a heading with content under it ends the run; so does any other line
            }
        }

        Close();
    }

    // 1.学术交流 over (1)… (2)…: an item with items of its own under it heads them.
    private static void ItemsOverSubItems(string folded, List<ReportLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind != LineKind.Item)
            {
                continue; // before the look ahead: past a run of skipped lines, once for each would be quadratic
            }

            var next = NextContent(lines, i + 1);
            var body = folded.AsSpan(line.BodyStart, line.BodyEnd - line.BodyStart);
            var overSubItems = next > 0 && lines[next].Kind == LineKind.Item && lines[next].Level > line.Level;
            var overDatedLines = next > 0 && lines[next].Kind == LineKind.Paragraph && StartsDated(folded, lines[next]);
            var label = body.Length <= 20 && !body.ContainsAny(ClausePunctuation) && !StartsDated(folded, line);

            // ■学会工作 over 八月三日,…: a bulleted label over dated lines heads them too; 2.本月共组织学术活动3场:
            // over (1)…(3): a line ending in a colon announces its sub-items, however long.
            if ((label && (overSubItems || overDatedLines)) || (overSubItems && body.EndsWith(':')))
            {
                lines[i] = line with { Kind = LineKind.Heading, NameStart = line.BodyStart, NameEnd = line.BodyEnd };
            }
        }
    }

    // Women in Engineering: Oct. 22 – … next to Computer Society: … lines: a name before a colon, beside
    // unit paragraphs, is a unit of the same list, though no word such as Society says so.
    private static void UnitPrefixesByPlace(string folded, List<ReportLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var besideUnit = (i > 0 && lines[i - 1].Kind == LineKind.UnitParagraph) || (i + 1 < lines.Count && lines[i + 1].Kind == LineKind.UnitParagraph);
            var colon = line.Kind == LineKind.Paragraph && besideUnit ? folded.IndexOf(':', line.Start, Math.Min(line.Length, 48)) : -1;
            if (colon <= line.Start || !UnitNameRules.IsEnglishName(folded.AsSpan(line.Start, colon - line.Start)))
            {
                continue;
            }

            var body = colon + 1;
            while (body < line.End && TextFold.IsSpace(folded[body]))
            {
                body++;
            }

            lines[i] = line with { Kind = LineKind.UnitParagraph, BodyStart = body, BodyEnd = line.End, NameStart = line.Start, NameEnd = colon };
        }
    }

    // Women in Engineering Affinity Group: a short undated line after a blank one, with dated lines
    // right under it, heads them like the unit headings around it (or, among none, like a section).
    private static void HeadingsByPlace(string folded, List<ReportLine> lines, IKnownUnits registry)
    {
        var unitHeadings = lines.Count(l => l.Kind == LineKind.UnitHeading);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind != LineKind.Paragraph || !IsLabelLike(folded, line) || (i > 0 && lines[i - 1].Kind != LineKind.Blank))
            {
                continue;
            }

            // What was skipped between them (a byline: By Priya Raman) does not part a heading from its lines.
            var j = i + 1;
            while (j < lines.Count && lines[j].Kind == LineKind.Skip)
            {
                j++;
            }

            if (j >= lines.Count || !IsContent(lines[j]))
            {
                continue;
            }

            var below = lines[j];
            var datedBelow = below.Kind is LineKind.Paragraph or LineKind.Item && StartsDated(folded, below);
            if (!datedBelow)
            {
                continue;
            }

            lines[i] = unitHeadings > 0
                ? line with { Kind = LineKind.UnitHeading, NameStart = line.Start, NameEnd = line.End }
                : line with { Kind = LineKind.Heading, NameStart = line.Start, NameEnd = line.End };
        }

        // Past events, Upcoming, 工作开展情况: a short line alone between blank lines heads what follows.
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind == LineKind.Paragraph && IsLabelLike(folded, line) && (i == 0 || lines[i - 1].Kind == LineKind.Blank)
                && NextContent(lines, i + 1) is var next && next > i + 1 && lines[next].Kind != LineKind.UnitHeading)
            {
                lines[i] = line with { Kind = LineKind.Heading, NameStart = line.Start, NameEnd = line.End };
            }
        }

        // A short line followed by a blank and a unit heading heads the units below it: a section.
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind == LineKind.Paragraph && IsLabelLike(folded, line) && (i == 0 || lines[i - 1].Kind == LineKind.Blank)
                && NextContent(lines, i + 1) is var next && next > i + 1 && lines[next].Kind == LineKind.UnitHeading)
            {
                lines[i] = line with { Kind = LineKind.Heading, NameStart = line.Start, NameEnd = line.End };
            }
        }
    }

    // 衢州市科协办公室 / 2021年6月30日, Submitted by / Daniel Okafor, Section Secretary: at the end of
    // the report, or above the quoted original of a reply, who sent it and when — not an activity.
    private static void SkipSignature(string folded, List<ReportLine> lines)
    {
        var end = lines.FindIndex(l => l.Kind == LineKind.End);
        SkipSignatureAbove(folded, lines, end < 0 ? lines.Count : end);
    }

    private static void SkipSignatureAbove(string folded, List<ReportLine> lines, int end)
    {
        var last = end - 1;
        while (last >= 0 && !IsContent(lines[last]))
        {
            last--;
        }

        for (var i = last; i >= 0 && last - i < 4; i--)
        {
            var line = lines[i];
            if (line.Kind == LineKind.Blank)
            {
                break;
            }

            var signatureLike = IsDateOnly(folded, line)
                || (line.Kind is LineKind.Paragraph or LineKind.Title or LineKind.UnitHeading or LineKind.Heading
                    && line.Length <= 40 && !folded.AsSpan(line.Start, line.Length).ContainsAny(SignaturePunctuation)
                    && !StartsDated(folded, line));
            if (!signatureLike)
            {
                break;
            }

            lines[i] = line with { Kind = LineKind.Skip };
        }
    }

    // 2021年6月30日, 二〇二一年六月三十日, 2021-06-30, February 1, 2024: a full date and nothing else.
    private static bool IsDateOnly(string folded, ReportLine line)
    {
        var span = folded.AsSpan(0, line.End);
        return DateScanner.TryReadAt(span, line.Start, new Period(2000, 1), out var match)
            && match.Precision == DatePrecision.Day && match.EndIndex >= line.End - 1
            && HasYear(folded.AsSpan(line.Start, match.Length));
    }

    // 2021年, 2021-06-30, February 1, 2024: a signature's date carries its year.
    private static bool HasYear(ReadOnlySpan<char> date)
    {
        var digits = 0;
        foreach (var c in date)
        {
            digits = char.IsAsciiDigit(c) ? digits + 1 : 0;
            if (digits == 4 || c == '年')
            {
                return true;
            }
        }

        return false;
    }

    // A chronicle whose entries run over several lines: each starts with its date, and what follows
    // it — indented under an unindented date, or down to the next blank line where every entry is
    // a paragraph of its own — is more of the same entry.
    private static void MarkContinuations(string folded, List<ReportLine> lines)
    {
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            var previous = lines[i - 1];
            if (line.Kind == LineKind.Paragraph && previous.Kind is LineKind.Paragraph or LineKind.Item or LineKind.Continuation
                && IsIndented(folded, line) && !IsIndented(folded, previous) && !StartsDated(folded, line))
            {
                lines[i] = line with { Kind = LineKind.Continuation };
            }
        }

        var groups = new List<(int First, int Last)>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!IsContent(lines[i]) || (i > 0 && lines[i - 1].Kind != LineKind.Blank))
            {
                continue;
            }

            var last = i;
            while (last + 1 < lines.Count && lines[last + 1].Kind is LineKind.Paragraph or LineKind.Continuation && !StartsDated(folded, lines[last + 1]))
            {
                last++;
            }

            var ends = last + 1 >= lines.Count || lines[last + 1].Kind == LineKind.Blank;
            if (last > i && ends && lines[i].Kind is LineKind.Paragraph or LineKind.Item && StartsDated(folded, lines[i]))
            {
                groups.Add((i, last));
            }
        }

        if (groups.Count < 2)
        {
            return;
        }

        foreach (var (first, last) in groups)
        {
            for (var i = first + 1; i <= last; i++)
            {
                lines[i] = lines[i] with { Kind = LineKind.Continuation };
            }
        }
    }

    private static bool IsIndented(string folded, ReportLine line) =>
        line.Start > 0 && folded[line.Start - 1] is ' ' or '\t' or '\u3000';

    [GeneratedRegex(@"^(?:附件|attachments?)\s*\d*\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex AttachmentLabel();
}
