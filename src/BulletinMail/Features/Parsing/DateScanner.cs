using System.Buffers;

namespace BulletinMail.Features.Parsing;

/// <summary>A date expression found in folded text.</summary>
/// <param name="Invalid">It reads as a date but names no real day (6月31日).</param>
/// <param name="DayList">A list of days (6月5日、20日): the match is its first day.</param>
internal readonly record struct DateMatch(
    int Index,
    int Length,
    DateOnly? Start,
    DateOnly? End,
    DatePrecision Precision,
    bool Invalid = false,
    bool DayList = false)
{
    public int EndIndex => Index + Length;
}

/// <summary>
/// Recognises the date expressions of reports in folded text (see <see cref="TextFold"/>):
/// Chinese (6月15日, 6月5-7日, 5月31日至6月1日, 二〇一六年六月十八日, 6月上旬, 月底), numeric
/// (2016-06-18, 2016.6.18), English (June 15, 15 June, June 15-17, 30 June – 2 July, early June)
/// and the approximate words (近日, 近期, recently). The year, where not written, is the one
/// that puts the date nearest the period. Allocates nothing.
/// </summary>
internal static class DateScanner
{
    private static readonly string[] ApproximateWords = ["近日", "近期", "日前", "近来", "目前", "最近"];

    // What a date expression or approximate word can start with: most characters are ruled out at once.
    private static readonly SearchValues<char> StartCharacters = SearchValues.Create(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ一二三四五六七八九十〇零两廿近日目最本月上中下初底末");
    private static readonly string[] EnglishApproximateWords = ["recently", "lately", "currently", "at present", "these days"];
    private static readonly string[] TimesOfDay =
        ["上午", "下午", "晚上", "晚间", "早上", "早晨", "中午", "凌晨", "傍晚", "夜间", "全天", "全日", "晚", "早", "夜"];

    private static readonly string[] MonthNames =
    [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ];

    /// <summary>Reads a date expression, or an approximate word, that starts exactly at <paramref name="index"/>.</summary>
    public static bool TryReadAt(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        if (index >= text.Length || !StartCharacters.Contains(text[index]))
        {
            return false;
        }

        if (TryReadApproximate(text, index, out var length))
        {
            match = new DateMatch(index, length, null, null, DatePrecision.Approximate);
            return true;
        }

        return TryReadExact(text, index, period, out match) || TryReadPartOfThisMonth(text, index, period, out match)
            || TryReadDayOfThisMonth(text, index, period, out match) || TryReadShortDotted(text, index, period, out match);
    }

    // 6.18, 6.5 组织…, 6.10-6.12, 6.25-26, 11/2, 11/9-11/10: month.day (or month/day, as in tables and
    // chronicles) opening a clause (never inside one: 3.5亿元, 1/3).
    private static bool TryReadShortDotted(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        if (!ReadDotted(text, index, out var p, out var month, out var day))
        {
            return false;
        }

        // 1.1, 2.3: a section's number, unless it names a month near the report's.
        var year = InferYear(month, period);
        if (Math.Abs(new Period(year, month).MonthIndex - period.MonthIndex) > 2)
        {
            return false;
        }

        if (p < text.Length && text[p] is '-' or '~' or '—' or '至')
        {
            var q = p + 1;
            var toMonth = month;
            var n = ReadDotted(text, q, out var r, out var m2, out var d2) ? r - q : ChineseNumerals.Read(text, q, 2, out d2);
            if (n > 0 && d2 is >= 1 and <= 31 && (q + n >= text.Length || !char.IsAsciiDigit(text[q + n])))
            {
                toMonth = r > q ? m2 : month;
                var range = MakeRange(index, q + n, year, month, day, toMonth < month ? year + 1 : year, toMonth, d2);
                if (range.Invalid || range.End >= range.Start)
                {
                    match = range;
                    return true;
                }
            }
        }

        match = MakeDay(index, ReadQualifiers(text, p), year, month, day);
        return true;
    }

    private static bool ReadDotted(ReadOnlySpan<char> text, int index, out int end, out int month, out int day)
    {
        end = index;
        day = 0;
        var n = ReadAsciiNumber(text, index, out month);
        if (n == 0 || month is < 1 or > 12 || index + n + 1 >= text.Length || text[index + n] is not ('.' or '/'))
        {
            return false;
        }

        var p = index + n + 1;
        var m = ReadAsciiNumber(text, p, out day);
        if (m == 0 || day is < 1 or > 31)
        {
            return false;
        }

        p += m;
        if (p < text.Length && (char.IsAsciiLetterOrDigit(text[p]) || text[p] is '.' or '/' or '%' or '亿' or '万' or '元' or '米' or '千' or '倍' or '分' or '秒'))
        {
            return false;
        }

        end = p;
        return true;
    }

    // 17日上午, 6日至8日: a day of the period's month (a month heading's, where the report has them).
    private static bool TryReadDayOfThisMonth(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        var n = ChineseNumerals.Read(text, index, 2, out var day);
        var mark = index + n;
        if (n == 0 || day is < 1 or > 31 || mark >= text.Length || text[mark] is not ('日' or '号')
            || (mark + 1 < text.Length && text[mark + 1] is '期' or '报' or '常' or '记'))
        {
            return false; // 日期, 日报, 日常, 日记: not a day
        }

        return ReadDays(text, index, index, period.Year, period.Month, out match);
    }

    /// <summary>Finds the first day or range date anywhere from <paramref name="from"/> (approximate words are not looked for).</summary>
    public static bool TryFind(ReadOnlySpan<char> text, int from, Period period, out DateMatch match)
    {
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            var startsToken = char.IsAsciiDigit(c) || ChineseNumerals.DigitValue(c) > 0 || c is '十' or '〇' or '廿'
                || (char.IsAsciiLetter(c) && (i == 0 || !char.IsAsciiLetter(text[i - 1])));
            if (!startsToken || (i > 0 && IsNumberChar(text[i - 1])))
            {
                continue;
            }

            if (TryReadExact(text, i, period, out match))
            {
                return true;
            }
        }

        match = default;
        return false;
    }

    private static bool IsNumberChar(char c) => char.IsAsciiDigit(c) || c is '十' or '〇' or '廿' || ChineseNumerals.DigitValue(c) >= 0;

    private static bool TryReadExact(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        var c = text[index];
        if (char.IsAsciiLetter(c))
        {
            return TryReadEnglish(text, index, period, out match);
        }

        return TryReadNumeric(text, index, out match)
            || TryReadChinese(text, index, period, out match)
            || (char.IsAsciiDigit(c) && !FollowsLabel(text, index) && TryReadEnglishDayFirst(text, index, period, out match));
    }

    // "Region 3 March 2009", "Chapter 5 May": a number after a capitalised noun is that noun's, not a day.
    private static bool FollowsLabel(ReadOnlySpan<char> text, int index)
    {
        if (index < 2 || text[index - 1] != ' ' || !char.IsAsciiLetter(text[index - 2]))
        {
            return false;
        }

        var wordStart = index - 2;
        while (wordStart > 0 && char.IsAsciiLetter(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text[wordStart..(index - 1)];
        var p = 0;
        return char.IsAsciiLetterUpper(word[0]) && word.Length > 2 && !ReadMonthName(word, ref p, out _)
            && !word.EndsWith("day", StringComparison.OrdinalIgnoreCase)
            && word is not ("From" or "Since" or "Until" or "Till" or "Before" or "After" or "During" or "Through" or "Between" or "And");
    }

    private static bool TryReadApproximate(ReadOnlySpan<char> text, int index, out int length)
    {
        var rest = text[index..];
        foreach (var word in ApproximateWords)
        {
            if (rest.StartsWith(word, StringComparison.Ordinal))
            {
                length = word.Length;
                return true;
            }
        }

        if (!char.IsAsciiLetter(rest[0]))
        {
            length = 0;
            return false;
        }

        foreach (var word in EnglishApproximateWords)
        {
            if (rest.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                && (rest.Length == word.Length || !char.IsAsciiLetter(rest[word.Length])))
            {
                length = word.Length;
                return true;
            }
        }

        length = 0;
        return false;
    }

    // 6月15日 · 6月5-7日 · 5月30日-31日 · 5月31-6月1日 · 12月31日至1月2日 · 2016年6月18日 · 六月十八日 · 6月上旬 · 6月底
    private static bool TryReadChinese(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        var p = index;
        var year = ReadYear(text, ref p);
        if (!ReadMonth(text, ref p, out var month))
        {
            return false;
        }

        if (p < text.Length && text[p] == '份')
        {
            p++;
        }

        var resolvedYear = year ?? InferYear(month, period);
        if (ReadPartOfMonth(text, ref p, out var firstDay, out var lastDay))
        {
            match = MakeRange(index, ReadQualifiers(text, p), resolvedYear, month, firstDay, resolvedYear, month, lastDay);
            return true;
        }

        return ReadDays(text, index, p, resolvedYear, month, out match);
    }

    // From the first day at p of the given month: 15日, 5-7日, 30日-7月2日, 5日、20日 (a list, never a range).
    private static bool ReadDays(ReadOnlySpan<char> text, int index, int p, int resolvedYear, int month, out DateMatch match)
    {
        match = default;
        var n = ChineseNumerals.Read(text, p, 2, out var day);
        if (n == 0 || day is < 1 or > 31)
        {
            return false;
        }

        p += n;
        var closed = ReadDayMark(text, ref p);

        if (ReadRangeTail(text, p, out var tailEnd, out var endYear, out var endMonth, out var endDay, out var tailClosed)
            && (closed || tailClosed))
        {
            var toMonth = endMonth ?? month;
            var toYear = endYear ?? (toMonth < month ? resolvedYear + 1 : resolvedYear);
            var range = MakeRange(index, ReadQualifiers(text, tailEnd), resolvedYear, month, day, toYear, toMonth, endDay);
            if (range.Invalid || range.End >= range.Start)
            {
                match = range;
                return true;
            }
        }

        if (ReadDayList(text, p, out var listEnd))
        {
            // 6月5日、20日: separate days, never a range; the first one dates the clause.
            match = MakeDay(index, ReadQualifiers(text, listEnd), resolvedYear, month, day) with { DayList = true };
            return true;
        }

        if (!closed)
        {
            return false;
        }

        match = MakeDay(index, ReadQualifiers(text, p), resolvedYear, month, day);
        return true;
    }

    // "、20日", "、20日、27日", "、7月3日": more days after the first, each with its 日 (or the last one).
    private static bool ReadDayList(ReadOnlySpan<char> text, int p, out int end)
    {
        end = p;
        var q = p;
        while (q < text.Length && text[q] == '、')
        {
            var r = q + 1;
            ReadMonth(text, ref r, out _);
            var n = ChineseNumerals.Read(text, r, 2, out var day);
            if (n == 0 || day is < 1 or > 31)
            {
                break;
            }

            r += n;
            if (!ReadDayMark(text, ref r) && !(r < text.Length && text[r] == '、'))
            {
                break;
            }

            q = r;
            end = r;
        }

        return end > p && text[end - 1] is '日' or '号';
    }

    // 上旬, 月底, 本月中旬: part of the period's own month.
    private static bool TryReadPartOfThisMonth(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        var p = index;
        if (text[p..].StartsWith("本月", StringComparison.Ordinal))
        {
            p += 2;
        }
        else if (text[p..].StartsWith("月", StringComparison.Ordinal) && p + 1 < text.Length && text[p + 1] is '初' or '底' or '末')
        {
            p += 1;
        }

        if (!ReadPartOfMonth(text, ref p, out var firstDay, out var lastDay))
        {
            return false;
        }

        match = MakeRange(index, ReadQualifiers(text, p), period.Year, period.Month, firstDay, period.Year, period.Month, lastDay);
        return true;
    }

    // 2016-06-18 · 2016/6/18 · 2016.6.18, optionally a range to another such date.
    private static bool TryReadNumeric(ReadOnlySpan<char> text, int index, out DateMatch match)
    {
        match = default;
        if (!ReadNumericDate(text, index, out var p, out var year, out var month, out var day))
        {
            return false;
        }

        var q = SkipSpaces(text, p);
        if (q < text.Length && IsRangeSeparator(text, q, out var sepLength)
            && ReadNumericDate(text, SkipSpaces(text, q + sepLength), out var end, out var year2, out var month2, out var day2))
        {
            var range = MakeRange(index, ReadQualifiers(text, end), year, month, day, year2, month2, day2);
            if (!range.Invalid && range.End >= range.Start)
            {
                match = range;
                return true;
            }
        }

        match = MakeDay(index, ReadQualifiers(text, p), year, month, day);
        return true;
    }

    private static bool ReadNumericDate(ReadOnlySpan<char> text, int index, out int end, out int year, out int month, out int day)
    {
        end = index;
        year = month = day = 0;
        var p = index;
        if (ChineseNumerals.Read(text, p, 4, out year) != 4 || !char.IsAsciiDigit(text[p]) || year is < 1900 or > 2100)
        {
            return false;
        }

        p += 4;
        if (p >= text.Length || text[p] is not ('-' or '/' or '.'))
        {
            return false;
        }

        var separator = text[p++];
        var n = ReadAsciiNumber(text, p, out month);
        if (n == 0 || month is < 1 or > 12 || p + n >= text.Length || text[p + n] != separator)
        {
            return false;
        }

        p += n + 1;
        n = ReadAsciiNumber(text, p, out day);
        if (n == 0 || day is < 1 or > 31)
        {
            return false;
        }

        p += n;
        if (p < text.Length && text[p] is '日' or '号')
        {
            p++;
        }

        end = p;
        return true;
    }

    private static int ReadAsciiNumber(ReadOnlySpan<char> text, int index, out int value)
    {
        value = 0;
        return index < text.Length && char.IsAsciiDigit(text[index]) ? ChineseNumerals.Read(text, index, 2, out value) : 0;
    }

    private static int? ReadYear(ReadOnlySpan<char> text, ref int p)
    {
        var n = ChineseNumerals.Read(text, p, 4, out var year);
        if (n == 4 && p + n < text.Length && text[p + n] == '年' && year is >= 1900 and <= 2100)
        {
            p += n + 1;
            return year;
        }

        return null;
    }

    private static bool ReadMonth(ReadOnlySpan<char> text, ref int p, out int month)
    {
        var n = ChineseNumerals.Read(text, p, 2, out month);
        if (n == 0 || month is < 1 or > 12 || p + n >= text.Length || text[p + n] != '月')
        {
            return false;
        }

        p += n + 1;
        return true;
    }

    private static bool ReadDayMark(ReadOnlySpan<char> text, ref int p)
    {
        if (p < text.Length && text[p] is '日' or '号')
        {
            p++;
            return true;
        }

        return false;
    }

    // Day 0 as the last day stands for "the month's end".
    private static bool ReadPartOfMonth(ReadOnlySpan<char> text, ref int p, out int firstDay, out int lastDay)
    {
        var rest = text[p..];
        (int Length, int First, int Last) part = rest switch
        {
            _ when rest.StartsWith("上中旬", StringComparison.Ordinal) => (3, 1, 20),
            _ when rest.StartsWith("中下旬", StringComparison.Ordinal) => (3, 11, 0),
            _ when rest.StartsWith("上旬", StringComparison.Ordinal) => (2, 1, 10),
            _ when rest.StartsWith("中旬", StringComparison.Ordinal) => (2, 11, 20),
            _ when rest.StartsWith("下旬", StringComparison.Ordinal) => (2, 21, 0),
            _ when rest.StartsWith("初", StringComparison.Ordinal) => (1, 1, 10),
            _ when rest.StartsWith("底", StringComparison.Ordinal) || rest.StartsWith("末", StringComparison.Ordinal) => (1, 21, 0),
            _ => (0, 0, 0),
        };
        firstDay = part.First;
        lastDay = part.Last;
        p += part.Length;
        return part.Length > 0;
    }

    // After the first day: "-7日", "至21日", "-6月1日", "至2017年1月2日".
    private static bool ReadRangeTail(
        ReadOnlySpan<char> text, int p, out int end, out int? year, out int? month, out int day, out bool closed)
    {
        end = p;
        year = month = null;
        day = 0;
        closed = false;
        var q = SkipSpaces(text, p);
        if (q >= text.Length || !IsRangeSeparator(text, q, out var sepLength))
        {
            return false;
        }

        q = SkipSpaces(text, q + sepLength);
        year = ReadYear(text, ref q);
        var m = q;
        if (ReadMonth(text, ref m, out var toMonth))
        {
            month = toMonth;
            q = m;
        }

        var n = ChineseNumerals.Read(text, q, 2, out day);
        if (n == 0 || day is < 1 or > 31)
        {
            return false;
        }

        q += n;
        closed = ReadDayMark(text, ref q);
        end = q;
        return true;
    }

    private static bool IsRangeSeparator(ReadOnlySpan<char> text, int p, out int length)
    {
        length = text[p] switch
        {
            '-' or '~' or '–' or '至' or '到' or '―' => 1,
            '—' => p + 1 < text.Length && text[p + 1] == '—' ? 2 : 1,
            _ => 0,
        };
        return length > 0;
    }

    // Weekday and time of day belong to the expression: 3月10日下午, 6月15日(周三)上午, 6月15日晚.
    private static int ReadQualifiers(ReadOnlySpan<char> text, int p)
    {
        var q = p;
        if (q < text.Length && text[q] == '(')
        {
            var close = text[q..].IndexOf(')');
            if (close is > 1 and <= 5 && (text[(q + 1)..].StartsWith("星期", StringComparison.Ordinal)
                || text[(q + 1)..].StartsWith("周", StringComparison.Ordinal)
                || text[(q + 1)..].StartsWith("礼拜", StringComparison.Ordinal)))
            {
                q += close + 1;
            }
        }
        else if (text[q..].StartsWith("星期", StringComparison.Ordinal) && q + 2 < text.Length)
        {
            q += 3;
        }

        foreach (var word in TimesOfDay)
        {
            if (!text[q..].StartsWith(word, StringComparison.Ordinal))
            {
                continue;
            }

            // 晚会 (a gala), 早餐: a one-character time word must not start a noun.
            var after = q + word.Length;
            if (word.Length == 1 && after < text.Length && text[after] is '会' or '宴' or '餐' or '饭' or '报' or '班' or '场' or '期')
            {
                break;
            }

            q = after;
            break;
        }

        return ReadClockTime(text, q);
    }

    // 9:30, 14:00-16:30, 9时, 9点半: a clock time after the date is part of the expression too.
    private static int ReadClockTime(ReadOnlySpan<char> text, int p)
    {
        var q = SkipSpaces(text, p);
        var n = ReadAsciiNumber(text, q, out var hour);
        if (n == 0 || hour > 24 || q + n >= text.Length)
        {
            return p;
        }

        q += n;
        if (text[q] == ':' && q + 2 < text.Length && char.IsAsciiDigit(text[q + 1]) && char.IsAsciiDigit(text[q + 2]))
        {
            q += 3;
            var r = SkipSpaces(text, q);
            if (r < text.Length && text[r] is '-' or '~' or '—' or '–' or '至')
            {
                var end = ReadClockTime(text, r + 1);
                q = end > r + 1 ? end : q;
            }

            return q;
        }

        if (text[q] is '时' or '点')
        {
            q++;
            if (q < text.Length && text[q] == '半')
            {
                return q + 1;
            }

            var m = ReadAsciiNumber(text, q, out _);
            return m > 0 && q + m < text.Length && text[q + m] == '分' ? q + m + 1 : q;
        }

        return p;
    }

    private static int SkipSpaces(ReadOnlySpan<char> text, int p)
    {
        while (p < text.Length && text[p] == ' ')
        {
            p++;
        }

        return p;
    }

    // June 15 · Jun. 15, 2016 · 15 June · June 15-17 · 30 June – 2 July · June 30 to July 2 · 15-17 June · early June
    private static bool TryReadEnglish(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        var p = index;
        if (TryReadOnTheDay(text, index, period, out match))
        {
            return true;
        }

        if (ReadPartWord(text, ref p, out var firstDay, out var lastDay))
        {
            if (!ReadMonthName(text, ref p, out var partMonth))
            {
                return false;
            }

            var partYear = ReadEnglishYear(text, ref p) ?? InferYear(partMonth, period);
            match = MakeRange(index, p, partYear, partMonth, firstDay, partYear, partMonth, lastDay);
            return true;
        }

        if (ReadMonthName(text, ref p, out var month))
        {
            // Month first: June 15, June 15-17, June 30 – July 2
            var q = SkipSpaces(text, p);
            var n = ReadEnglishDay(text, q, out var day);
            if (n == 0 || q == p || (p - index <= 4 && n == 2 && text[q] == '0'))
            {
                // "in February": the whole month; "Sept 08" is a year, not a day.
                return n == 0 && TryReadWholeMonth(text, index, p, month, period, out match);
            }

            p = q + n;
            int? toMonth = null;
            var toDay = 0;
            var t = SkipSpaces(text, p);
            if (ReadEnglishRangeSeparator(text, ref t))
            {
                var monthAt = t;
                if (ReadMonthName(text, ref monthAt, out var m2))
                {
                    var dayAt = SkipSpaces(text, monthAt);
                    var n2 = dayAt > monthAt ? ReadEnglishDay(text, dayAt, out toDay) : 0;
                    if (n2 > 0)
                    {
                        toMonth = m2;
                        p = dayAt + n2;
                    }
                }
                else
                {
                    var n2 = ReadEnglishDay(text, t, out toDay);
                    if (n2 > 0)
                    {
                        toMonth = month;
                        p = t + n2;
                    }
                }
            }

            return FinishEnglish(text, index, p, period, month, day, toMonth, toDay, out match);
        }

        return false;
    }

    // "on the 14th": that day of the report's month.
    private static bool TryReadOnTheDay(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        if (!text[index..].StartsWith("the ", StringComparison.OrdinalIgnoreCase) || !text[..index].EndsWith("on ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var p = index + 4;
        var n = ReadEnglishDay(text, p, out var day);
        if (n < 3 || char.IsAsciiDigit(text[p + n - 1]))
        {
            return false; // an ordinal: the 14th, not the 14
        }

        match = MakeDay(index, p + n, period.Year, period.Month, day);
        return true;
    }

    // "in February", "during March 2009": a whole month, named in full after a preposition.
    private static bool TryReadWholeMonth(ReadOnlySpan<char> text, int index, int p, int month, Period period, out DateMatch match)
    {
        match = default;
        var before = text[..index];
        if (p - index != MonthNames[month - 1].Length || !(before.EndsWith("in ", StringComparison.OrdinalIgnoreCase) || before.EndsWith("during ", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var year = ReadEnglishYear(text, ref p) ?? InferYear(month, period);
        match = MakeRange(index, p, year, month, 1, year, month, 0);
        return true;
    }

    /// <summary>15 June, 15-17 June, 30 June – 2 July: the day comes first.</summary>
    private static bool TryReadEnglishDayFirst(ReadOnlySpan<char> text, int index, Period period, out DateMatch match)
    {
        match = default;
        var n = ReadEnglishDay(text, index, out var day);
        if (n == 0)
        {
            return false;
        }

        var p = index + n;
        var toDay = 0;
        var t = SkipSpaces(text, p);
        var dayRange = false;
        if (ReadEnglishRangeSeparator(text, ref t))
        {
            var n2 = ReadEnglishDay(text, t, out toDay);
            if (n2 > 0)
            {
                var afterDay = t + n2;
                var monthAt = SkipSpaces(text, afterDay);
                if (monthAt > afterDay && ReadMonthName(text, ref monthAt, out _))
                {
                    dayRange = true; // 15-17 June
                    p = afterDay;
                }
            }
        }

        var q = SkipSpaces(text, p);
        if (q == p || !ReadMonthName(text, ref q, out var month))
        {
            return false;
        }

        p = q;
        int? toMonth = dayRange ? month : null;
        if (!dayRange)
        {
            t = SkipSpaces(text, p);
            if (ReadEnglishRangeSeparator(text, ref t))
            {
                var n2 = ReadEnglishDay(text, t, out toDay);
                var monthAt = SkipSpaces(text, t + n2);
                if (n2 > 0 && monthAt > t + n2 && ReadMonthName(text, ref monthAt, out var m2))
                {
                    toMonth = m2;
                    p = monthAt;
                }
            }
        }

        return FinishEnglish(text, index, p, period, month, day, toMonth, toDay, out match);
    }

    private static bool FinishEnglish(
        ReadOnlySpan<char> text, int index, int p, Period period, int month, int day, int? toMonth, int toDay, out DateMatch match)
    {
        var year = ReadEnglishYear(text, ref p) ?? InferYear(month, period);
        if (toMonth is { } endMonth)
        {
            var endYear = endMonth < month ? year + 1 : year;
            match = MakeRange(index, p, year, month, day, endYear, endMonth, toDay);
            if (match.Invalid || match.End >= match.Start)
            {
                return true;
            }
        }

        match = MakeDay(index, p, year, month, day);
        return true;
    }

    private static int? ReadEnglishYear(ReadOnlySpan<char> text, ref int p)
    {
        var q = p;
        if (q < text.Length && text[q] == ',')
        {
            q++;
        }

        q = SkipSpaces(text, q);
        if (q == p || q + 4 > text.Length || ChineseNumerals.Read(text, q, 4, out var year) != 4
            || !char.IsAsciiDigit(text[q]) || year is < 1900 or > 2100)
        {
            return null;
        }

        p = q + 4;
        return year;
    }

    private static int ReadEnglishDay(ReadOnlySpan<char> text, int p, out int day)
    {
        day = 0;
        if (p >= text.Length || !char.IsAsciiDigit(text[p]))
        {
            return 0;
        }

        var n = ChineseNumerals.Read(text, p, 2, out day);
        if (n == 0 || day is < 1 or > 31)
        {
            return 0;
        }

        var q = p + n;
        if (q + 1 < text.Length && (text[q..].StartsWith("st", StringComparison.OrdinalIgnoreCase)
            || text[q..].StartsWith("nd", StringComparison.OrdinalIgnoreCase)
            || text[q..].StartsWith("rd", StringComparison.OrdinalIgnoreCase)
            || text[q..].StartsWith("th", StringComparison.OrdinalIgnoreCase)))
        {
            q += 2;
        }

        return q < text.Length && char.IsAsciiLetterOrDigit(text[q]) ? 0 : q - p;
    }

    private static bool ReadEnglishRangeSeparator(ReadOnlySpan<char> text, ref int p)
    {
        if (p < text.Length && text[p] is '-' or '–' or '—' or '~')
        {
            p = SkipSpaces(text, p + 1);
            return true;
        }

        foreach (var word in (ReadOnlySpan<string>)["to ", "until ", "through ", "till "])
        {
            if (text[p..].StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                p = SkipSpaces(text, p + word.Length);
                return true;
            }
        }

        return false;
    }

    private static bool ReadMonthName(ReadOnlySpan<char> text, ref int p, out int month)
    {
        month = 0;
        var rest = text[p..];
        for (var m = 0; m < MonthNames.Length; m++)
        {
            var name = MonthNames[m];
            var length = rest.StartsWith(name, StringComparison.OrdinalIgnoreCase) ? name.Length
                : rest.StartsWith(name.AsSpan(0, 3), StringComparison.OrdinalIgnoreCase) ? 3
                : 0;
            if (length == 3 && name == "september" && rest.StartsWith("sept", StringComparison.OrdinalIgnoreCase))
            {
                length = 4;
            }

            if (length == 0 || (length < rest.Length && char.IsAsciiLetter(rest[length])))
            {
                continue;
            }

            if (length < name.Length && length < rest.Length && rest[length] == '.')
            {
                length++;
            }

            month = m + 1;
            p += length;
            return true;
        }

        return false;
    }

    private static bool ReadPartWord(ReadOnlySpan<char> text, ref int p, out int firstDay, out int lastDay)
    {
        ReadOnlySpan<(string Word, int First, int Last)> parts =
        [
            ("early ", 1, 10), ("beginning of ", 1, 10), ("mid-", 11, 20), ("mid ", 11, 20), ("middle of ", 11, 20),
            ("late ", 21, 0), ("end of ", 21, 0), ("the end of ", 21, 0),
        ];
        foreach (var part in parts)
        {
            if (text[p..].StartsWith(part.Word, StringComparison.OrdinalIgnoreCase))
            {
                p = SkipSpaces(text, p + part.Word.Length);
                firstDay = part.First;
                lastDay = part.Last;
                return true;
            }
        }

        firstDay = lastDay = 0;
        return false;
    }

    /// <summary>The year that puts the month nearest the period; a tie keeps the period's year.</summary>
    public static int InferYear(int month, Period period)
    {
        var best = period.Year;
        var bestDistance = Math.Abs(new Period(period.Year, month).MonthIndex - period.MonthIndex);
        foreach (var year in (ReadOnlySpan<int>)[period.Year - 1, period.Year + 1])
        {
            var distance = Math.Abs(new Period(year, month).MonthIndex - period.MonthIndex);
            if (distance < bestDistance)
            {
                best = year;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static DateMatch MakeDay(int index, int end, int year, int month, int day)
    {
        if (day > DateTime.DaysInMonth(year, month))
        {
            return new DateMatch(index, end - index, null, null, DatePrecision.Undated, Invalid: true);
        }

        var date = new DateOnly(year, month, day);
        return new DateMatch(index, end - index, date, date, DatePrecision.Day);
    }

    private static DateMatch MakeRange(int index, int end, int year, int month, int day, int toYear, int toMonth, int toDay)
    {
        if (toDay == 0)
        {
            toDay = DateTime.DaysInMonth(toYear, toMonth);
        }

        if (toYear is < 1 or > 9998 || day > DateTime.DaysInMonth(year, month) || toDay > DateTime.DaysInMonth(toYear, toMonth))
        {
            return new DateMatch(index, end - index, null, null, DatePrecision.Undated, Invalid: true);
        }

        var start = new DateOnly(year, month, day);
        var last = new DateOnly(toYear, toMonth, toDay);
        return start == last
            ? new DateMatch(index, end - index, start, last, DatePrecision.Day)
            : new DateMatch(index, end - index, start, last, DatePrecision.Range);
    }
}
