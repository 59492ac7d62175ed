using System.Text.RegularExpressions;

namespace BulletinMail.Features.Parsing;

/// <summary>
/// A report's title or subject: 苏州市科协6月工作情况, Re: 关于2016年6月份工作进展的报告. It names
/// the unit and the period, and yields no entries.
/// </summary>
internal static partial class ReportTitle
{
    public static bool IsTitle(ReadOnlySpan<char> folded) => folded.Length <= 60 && Title().IsMatch(folded);

    /// <summary>The unit a title or subject names (as written, before the year or month), if any.</summary>
    public static string? ReadUnit(string subject)
    {
        var stripped = StripReplyPrefixes(subject);
        var folded = TextFold.Fold(stripped);
        var match = Title().Match(folded);
        var unit = match.Success ? match.Groups["unit"] : UnitBeforeDate().Match(folded).Groups["unit"];
        if (!unit.Success)
        {
            return null;
        }

        var name = stripped.Substring(unit.Index, unit.Length).Trim();
        return name.Length >= 2 ? name : null;
    }

    /// <summary>The period a title or subject names (2016年6月; a month alone takes the year nearest <paramref name="near"/>).</summary>
    public static Period? ReadPeriod(string subject, Period near)
    {
        var folded = TextFold.Fold(subject);
        var match = YearMonth().Match(folded);
        if (!match.Success)
        {
            return null;
        }

        var monthGroup = match.Groups["month"];
        if (ChineseNumerals.Read(folded, monthGroup.Index, 2, out var month) == 0 || month is < 1 or > 12)
        {
            return null;
        }

        var yearGroup = match.Groups["year"];
        var year = yearGroup.Success && ChineseNumerals.Read(folded, yearGroup.Index, 4, out var y) == 4 ? y : DateScanner.InferYear(month, near);
        return new Period(year, month);
    }

    /// <summary>Removes Re:, Fwd:, 回复:, 转发: and the like, repeatedly.</summary>
    public static string StripReplyPrefixes(string subject)
    {
        var match = ReplyPrefixes().Match(subject);
        return match.Success ? subject[match.Length..] : subject.Trim();
    }

    /// <summary>
    /// Whether a mail says it adds to a report rather than replacing it: its subject (after Re:)
    /// or its first line of text begins 补充, 补报, 增补 or Supplement/Addendum.
    /// </summary>
    public static bool IsSupplement(string? subject, string? text)
    {
        var firstLine = (text ?? string.Empty).AsSpan().TrimStart();
        var end = firstLine.IndexOfAny('\r', '\n');
        return Supplement().IsMatch(StripReplyPrefixes(subject ?? string.Empty)) || Supplement().IsMatch(end < 0 ? firstLine : firstLine[..end]);
    }

    [GeneratedRegex(@"^\s*(?:补充|补报|增补|補充|補報|supplement|addendum)", RegexOptions.IgnoreCase)]
    private static partial Regex Supplement();

    [GeneratedRegex(@"^(?:关于)?(?<unit>[^,;。:]{0,30}?)(?:\d{4}年|[一二三四五六七八九十〇零]{4}年)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?(?:的)?(?:工作|进展|活动|创新驱动|助力工程|重点工作)*(?:情况|动态|进展|报告|简报|总结|月报|汇报|信息|报送|大事记|纪要|一览|汇总|统计)(?:的报告|报告|汇报)?\s*$")]
    private static partial Regex Title();

    [GeneratedRegex(@"^(?:关于)?(?<unit>[^\d,;。:]{2,30}?)(?:\d{4}|[一二三四五六七八九十〇零]{4})?年?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月")]
    private static partial Regex UnitBeforeDate();

    [GeneratedRegex(@"(?:(?<year>\d{4}|[一二三四五六七八九十〇零]{4})年\s*)?(?<month>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月")]
    private static partial Regex YearMonth();

    [GeneratedRegex(@"^\s*(?:(?:re|fw|fwd|aw|sv|回复|答复|转发|回覆|轉發)\s*[:：]\s*)*", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefixes();
}
