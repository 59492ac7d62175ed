using System.Buffers;
using System.Text.RegularExpressions;

namespace BulletinMail.Features.Parsing;

/// <summary>Splits a report's folded text into lines and tells what each line is.</summary>
internal static partial class LineClassifier
{
    private static readonly string[] GreetingStarts =
        ["各位", "诸位", "尊敬的", "亲爱的", "您好", "你好", "大家好", "dear ", "hi ", "hi,", "hello", "to whom"];

    private static readonly string[] ClosingStarts =
    [
        "此致", "敬礼", "谢谢", "顺祝", "顺颂", "祝好", "祝工作顺利", "特此", "以上", "best", "regards", "kind regards",
        "thanks", "thank you", "sincerely", "cheers", "yours", "发自我的", "sent from my", "submitted by", "respectfully submitted",
    ];

    // One search for all of them (a line tried word by word, ignoring case, cost a third of a big report's parse).
    private static readonly SearchValues<string> ChatterWords = SearchValues.Create(
    [
        "如下", "请查收", "见附件", "附件是", "附件为", "请审阅", "请审核", "请审定", "please find", "please see", "here is", "here are",
        "attached", "attachment", "as follows", "below", "转发", "forwarding", "fyi", "in this issue", "unsubscribe", "本期导读", "谢谢", "let me know", "请一并", "如有不妥", "请指正", "更正后",
    ], StringComparison.OrdinalIgnoreCase);

    /// <summary>Separates the sections of one input (a mail's body and each attachment): what ends one section does not end the next.</summary>
    public const char SectionBreak = '\f';

    private static readonly SearchValues<char> ClausePunctuation = SearchValues.Create(",;。:!?");
    private static readonly SearchValues<char> SentencePunctuation = SearchValues.Create(";。:!?");

    public static List<ReportLine> Classify(string folded, IKnownUnits registry)
    {
        var ranges = LineSplitter.Split(folded, registry);
        var lines = new List<ReportLine>(ranges.Count);
        var afterForwardMarker = false;
        var seenContent = false;
        var skipUntil = 0;
        foreach (var range in ranges)
        {
            if (range.Start < skipUntil)
            {
                continue;
            }

            var line = Classify(folded, Trim(folded, range.Start, range.End), registry, seenContent, ref afterForwardMarker) with { Flattened = range.Flattened };
            seenContent |= line.Kind is not (LineKind.Blank or LineKind.Skip);
            lines.Add(line);
            if (line.Kind == LineKind.End)
            {
                // Nothing more of this section is read: skip to the next section, if any.
                var next = folded.IndexOf(SectionBreak, range.End);
                if (next < 0)
                {
                    break;
                }

                skipUntil = next;
                afterForwardMarker = false;
                seenContent = false;
            }
        }

        LayoutRules.Apply(folded, lines, registry);
        return lines;
    }

    /// <summary>The range without the white space at either end.</summary>
    public static (int Start, int End) Trim(string text, int start, int end)
    {
        while (start < end && TextFold.IsSpace(text[start]))
        {
            start++;
        }

        while (end > start && TextFold.IsSpace(text[end - 1]))
        {
            end--;
        }

        return (start, end);
    }

    private static ReportLine Classify(string folded, (int Start, int End) range, IKnownUnits registry, bool seenContent, ref bool afterForwardMarker)
    {
        var (start, end) = range;
        var line = folded.AsSpan(start, end - start);
        if (line.IsEmpty)
        {
            return new ReportLine(LineKind.Blank, start, end);
        }

        if (line[0] == '>' || line[0] == '|')
        {
            return new ReportLine(LineKind.Skip, start, end);
        }

        if (ForwardMarker().IsMatch(line))
        {
            afterForwardMarker = true;
            return new ReportLine(LineKind.Skip, start, end);
        }

        if (MailHeaderLine().IsMatch(line))
        {
            // The headers of a forwarded report, or a subject line pasted above the text, are skipped;
            // after the text of a reply they start the quoted original.
            return new ReportLine(afterForwardMarker || !seenContent ? LineKind.Skip : LineKind.End, start, end);
        }

        afterForwardMarker = false;
        if (QuoteOrSignatureStart().IsMatch(line) || IsClosing(line))
        {
            return new ReportLine(LineKind.End, start, end);
        }

        if (line[0] == '【' && line[^1] == '】')
        {
            var name = line[1..^1].Trim();
            return IsHeadline(name)
                ? new ReportLine(LineKind.HeadlineHeading, start, end)
                : new ReportLine(LineKind.Heading, start, end, NameStart: start + 1, NameEnd: end - 1);
        }

        if (IsHeadline(line.TrimEnd(':')))
        {
            return new ReportLine(LineKind.HeadlineHeading, start, end);
        }

        if (IsBoilerplate(line))
        {
            return new ReportLine(LineKind.Skip, start, end);
        }

        if (ReportTitle.IsTitle(line) && !DateScanner.TryReadAt(line, 0, new Period(2000, 1), out _))
        {
            return new ReportLine(LineKind.Title, start, end);
        }

        var ordinal = ChineseOrdinal().Match(folded, start, end - start);
        if (ordinal.Success)
        {
            return ClassifyOrdinalLine(folded, start, end, start + ordinal.Length, registry);
        }

        var marker = ItemMarker().Match(folded, start, end - start);
        if (marker.Success && start + marker.Length < end)
        {
            var level = char.IsAsciiDigit(line[0]) ? 3 : line[0] == '(' ? 4 : 5;
            return ItemWithOptionalUnit(folded, start, end, start + marker.Length, registry) with { Level = level };
        }

        var label = LabelPrefix().Match(folded, start, end - start);
        if (label.Success)
        {
            // 补充:6月28日,… — the label of a supplement or correction is no part of the item.
            return start + label.Length < end ? new ReportLine(LineKind.Item, start, end, start + label.Length, end, Level: 5) : new ReportLine(LineKind.Skip, start, end);
        }

        if (TryUnitPrefix(folded, start, end, registry, out var unitLine))
        {
            return unitLine;
        }

        if (PlanHeading().IsMatch(line) || MonthHeading().IsMatch(line) || IsColonHeading(line))
        {
            return Heading(start, end, start, folded);
        }

        // 附:下月工作计划 — a part appended to the report, named after the label.
        var appended = AppendedPart().Match(folded, start, end - start);
        if (appended.Success && !line[appended.Length..].ContainsAny(ClausePunctuation) && !DateScanner.TryFind(line, appended.Length, new Period(2000, 1), out _))
        {
            return Heading(start, end, start + appended.Length, folded);
        }

        return new ReportLine(LineKind.Paragraph, start, end, start, end);
    }

    // 三、创新驱动示范市工作情况 · (一)琅琊区科协(6项) · 一、6月5日,召开… (an item numbered in Chinese)
    private static ReportLine ClassifyOrdinalLine(string folded, int start, int end, int restStart, IKnownUnits registry)
    {
        while (restStart < end && TextFold.IsSpace(folded[restStart]))
        {
            restStart++;
        }

        if (TryUnitPrefix(folded, restStart, end, registry, out var unitLine))
        {
            return unitLine with { Start = start };
        }

        var rest = folded.AsSpan(restStart, end - restStart);
        var level = folded[start] == '(' ? 2 : 1;
        var looksLikeHeading = rest.Length <= 40 && rest.IndexOfAny(";。") < 0
            && !DateScanner.TryReadAt(rest, 0, new Period(2000, 1), out _);
        return looksLikeHeading
            ? Heading(start, end, restStart, folded) with { Level = level }
            : new ReportLine(LineKind.Item, start, end, restStart, end, Level: level);
    }

    private static ReportLine Heading(int start, int end, int nameStart, string folded)
    {
        var nameEnd = end;
        while (nameEnd > nameStart && folded[nameEnd - 1] is ':' or '.')
        {
            nameEnd--;
        }

        return new ReportLine(LineKind.Heading, start, end, NameStart: nameStart, NameEnd: nameEnd);
    }

    private static ReportLine ItemWithOptionalUnit(string folded, int start, int end, int bodyStart, IKnownUnits registry)
    {
        if (TryUnitPrefix(folded, bodyStart, end, registry, out var unitLine) && unitLine.Kind == LineKind.UnitParagraph)
        {
            return unitLine with { Kind = LineKind.Item, Start = start };
        }

        return new ReportLine(LineKind.Item, start, end, bodyStart, end);
    }

    /// <summary>
    /// <c>UNIT:body</c> (a unit paragraph), or a line that is only a unit's name, with an optional
    /// count (6项) and colon (a unit heading).
    /// </summary>
    private static bool TryUnitPrefix(string folded, int start, int end, IKnownUnits registry, out ReportLine line)
    {
        line = default;
        var text = folded.AsSpan(start, end - start);
        if (text.Length > 2 && text[0] is '【' or '[')
        {
            // 【保定市】6月5日,…
            var close = text[..Math.Min(text.Length, 40)].IndexOfAny('】', ']');
            if (close > 1 && UnitNameRules.IsUnitName(text[1..close], registry))
            {
                var body = start + close + 1;
                while (body < end && TextFold.IsSpace(folded[body]))
                {
                    body++;
                }

                line = body >= end
                    ? new ReportLine(LineKind.UnitHeading, start, end, NameStart: start + 1, NameEnd: start + close)
                    : new ReportLine(LineKind.UnitParagraph, start, end, body, end, start + 1, start + close);
                return true;
            }
        }

        var colon = text[..Math.Min(text.Length, 48)].IndexOf(':');
        var nameEnd = colon < 0 ? text.Length : colon;
        var bodyStart = colon < 0 ? text.Length : colon + 1;
        var name = text[..nameEnd].TrimEnd();
        var count = UnitCount().Match(folded, start, name.Length);
        if (count.Success)
        {
            name = name[..(count.Index - start)].TrimEnd();
        }

        if (name.IsEmpty || !UnitNameRules.IsUnitName(name, registry))
        {
            return false;
        }

        while (bodyStart < text.Length && TextFold.IsSpace(text[bodyStart]))
        {
            bodyStart++;
        }

        line = bodyStart >= text.Length
            ? new ReportLine(LineKind.UnitHeading, start, end, NameStart: start, NameEnd: start + name.Length)
            : new ReportLine(LineKind.UnitParagraph, start, end, start + bodyStart, end, start, start + name.Length);
        return true;
    }

    /// <summary>(记者 吴鹏程), (供稿:省科协办公室): a byline, in brackets.</summary>
    public static bool IsByline(ReadOnlySpan<char> text) => Byline().IsMatch(text);

    /// <summary>---------- Forwarded message ---------, 转发的邮件: a forwarded mail starts below.</summary>
    public static bool IsForwardMarker(ReadOnlySpan<char> line) => ForwardMarker().IsMatch(line);

    private static bool IsHeadline(ReadOnlySpan<char> name) =>
        name.Contains("要闻", StringComparison.Ordinal)
        || name.Equals("headlines", StringComparison.OrdinalIgnoreCase)
        || name.Equals("highlights", StringComparison.OrdinalIgnoreCase);

    // 此致, Best regards: only a signature follows.
    private static bool IsClosing(ReadOnlySpan<char> line)
    {
        if (line.Length > 30)
        {
            return false;
        }

        foreach (var word in ClosingStarts)
        {
            if (line.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                && (line.Length == word.Length || !char.IsAsciiLetter(line[word.Length])))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBoilerplate(ReadOnlySpan<char> line)
    {
        if (ContactLine().IsMatch(line) || TableHeader().IsMatch(line) || PublishingLine().IsMatch(line) || Byline().IsMatch(line) || EnglishByline().IsMatch(line))
        {
            return true;
        }

        var hasDate = DateScanner.TryReadAt(line, 0, new Period(2000, 1), out _);
        if (line.Length <= 40 && !hasDate)
        {
            foreach (var word in GreetingStarts)
            {
                if (line.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            if (GreetingEnd().IsMatch(line))
            {
                return true;
            }
        }

        return !hasDate && line.Length <= 120 && line.ContainsAny(ChatterWords);
    }

    // "Highlights of the month:", "主要工作:", "Opportunities for Engaging the Member, Volunteer, and Non-Member:":
    // a short undated line that announces what follows.
    private static bool IsColonHeading(ReadOnlySpan<char> line)
    {
        var english = char.IsAsciiLetter(line[0]);
        return line.Length <= (english ? 80 : 40) && line[^1] == ':'
            && !line[..^1].ContainsAny(english ? SentencePunctuation : ClausePunctuation)
            && !DateScanner.TryReadAt(line, 0, new Period(2000, 1), out _)
            && (english || !DateScanner.TryFind(line, 0, new Period(2000, 1), out _));
    }

    [GeneratedRegex(@"^(?:第?[一二三四五六七八九十]{1,3}[、.:]|第[一二三四五六七八九十]{1,3}(?:部分|章|节)[、:\s]?|\([一二三四五六七八九十]{1,3}\))\s*")]
    private static partial Regex ChineseOrdinal();

    [GeneratedRegex(@"^(?:\d{1,2}(?=[\u4e00-\u9fff])(?![\d]*[月日年号时点分项个名人位家所万亿元届次期场批件篇份条余多天周岁种类户台套米吨亩千百十])|\d{1,3},?(?:[、)\t]|\.(?!\d)|\.(?=\d{1,2}[月日号]))|\(\d{1,3}\)|[①-⑳⑴-⒇]|[▲△●•·◆◇■□○★☆►▶→✓√※][\s]*|[-*+](?=\s)|[a-z][.)](?=\s))\s*", RegexOptions.IgnoreCase)]
    private static partial Regex ItemMarker();

    [GeneratedRegex(@"^附\s*:\s*(?=[^\d\s].{0,39}$)")]
    private static partial Regex AppendedPart();

    [GeneratedRegex(@"^(?:补充|更正|补充材料|补报|correction|addendum|update)\s*[:：]\s*", RegexOptions.IgnoreCase)]
    private static partial Regex LabelPrefix();

    // Lines of a web page or a printed bulletin around the report: its source, date of publication,
    // editors (also in brackets: (编辑:… 审核:…)), breadcrumbs, masthead, photo file names, distribution
    // list, and the form's own footer (填表人:… 填报日期:…).
    [GeneratedRegex(@"^(?:\(?(?:发布时间|发布日期|信息来源|来源|文章来源|作者|责任编辑|编辑|审核|审稿|校对|供稿|通讯员|摄影|浏览次数|点击数|阅读|编者按|报|送|发|抄报|抄送|印发|填表人|填报人|制表人|审核人|填报日期)\s*[:：]|(?:首页|当前位置|您现在的位置).{0,60}(?:>|»|/)|第\s*\d+\s*期\s*\(?总第\s*\d+\s*期\)?|\(?共印\s*\d+\s*份\)?$|(?:[\w\-]+\.(?:jpe?g|png|gif|bmp|webp)\s*)+$|(?:上一篇|下一篇|上一条|下一条|字体|分享到|相关阅读|相关链接)\s*[:：]|【?(?:打印本页|关闭窗口|返回顶部)|\(?图为|\(?图片来源|photo:|source:|posted (?:on|by))", RegexOptions.IgnoreCase)]
    private static partial Regex PublishingLine();

    // (记者 吴鹏程 通讯员 科宣), (王晓岚): a byline alone on its line.
    [GeneratedRegex(@"^\((?:(?:记者|通讯员|供稿|作者|文|图|摄影?|编辑)[\s/:]*)?[\u4e00-\u9fff·]{2,6}(?:[\s、,]+(?:(?:记者|通讯员|供稿|作者|文|图|摄影?|编辑)[\s/:]*)?[\u4e00-\u9fff·]{2,6}){0,4}\)$")]
    private static partial Regex Byline();

    // By Priya Raman, Chapter Chair · Reported by Mei Lin: a newsletter item's author on its own line.
    [GeneratedRegex(@"^(?:(?:[Rr]eported|[Ww]ritten|[Cc]ompiled)\s+by|By)\s+\p{Lu}[\p{L}.'\-]*(?:\s+\p{Lu}[\p{L}.'\-]*){0,3}(?:,\s*[^,.;:!?\d]{1,40})?$")]
    private static partial Regex EnglishByline();

    [GeneratedRegex(@"\(\s*共?\s*\d+\s*[项条件个]\s*\)$")]
    private static partial Regex UnitCount();

    [GeneratedRegex(@"^(?:(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?|下[一个]?(?:月|阶段|步)|近期|今后|本月)(?:份)?(?:主要)?(?:工作)?(?:计划|安排|打算|要点|重点工作)|(?:plans?|next steps?)(?: for [a-z]+)?|next month(?:'s plans?)?)\s*:?$", RegexOptions.IgnoreCase)]
    private static partial Regex PlanHeading();

    // 七月份, 8月, 10月: — a month's own heading in a quarterly report.
    [GeneratedRegex(@"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?\s*:?$")]
    private static partial Regex MonthHeading();

    [GeneratedRegex(@"^(?:-{2,}\s*(?:forwarded message|转发邮件信息|转发的邮件|原邮件)\s*-{2,}|begin forwarded message:?)$", RegexOptions.IgnoreCase)]
    private static partial Regex ForwardMarker();

    [GeneratedRegex(@"^(?:from|to|cc|date|sent|subject|发件人|收件人|抄送|日期|发送时间|主题)\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex MailHeaderLine();

    [GeneratedRegex(@"^(?:--\s*|_{8,}|-{3,}\s*(?:original message|原始邮件)\s*-{3,}|on .{1,200}wrote:|.{0,120}写道:)$", RegexOptions.IgnoreCase)]
    private static partial Regex QuoteOrSignatureStart();

    [GeneratedRegex(@"^(?:联系人|联系电话|电话|手机|传真|邮箱|电子邮件|邮编|地址|e-?mail|tel|phone|fax|mobile|address)\s*:|^[\d\s\-+()]{7,}$", RegexOptions.IgnoreCase)]
    private static partial Regex ContactLine();

    // 序号	时间	活动内容	地点: the header row of a table of activities.
    [GeneratedRegex(@"^(?:(?:序号|编号|时间|日期|活动|内容|活动内容|工作内容|主要内容|地点|单位|名称|活动名称|备注|参加人员|人数|no\.?|date|time|activity|activities|event|venue|place|notes?)\s*(?:\t|$)){2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex TableHeader();

    [GeneratedRegex(@"^.{0,16}(?:老师|同志|领导|主任|秘书长|部长|同事们?|好)[,:!]?$")]
    private static partial Regex GreetingEnd();
}
