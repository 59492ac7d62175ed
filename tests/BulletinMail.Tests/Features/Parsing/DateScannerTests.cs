using BulletinMail.Features.Parsing;

namespace BulletinMail.Tests.Features.Parsing;

public sealed class DateScannerTests
{
    private static readonly Period June2016 = new(2016, 6);

    [Theory]
    [InlineData("6月15日,召开", "2016-06-15", "2016-06-15", DatePrecision.Day, "6月15日")]
    [InlineData("6月5-7日,调研", "2016-06-05", "2016-06-07", DatePrecision.Range, "6月5-7日")]
    [InlineData("5月30日-31日,调研", "2016-05-30", "2016-05-31", DatePrecision.Range, "5月30日-31日")]
    [InlineData("5月31-6月1日,举办", "2016-05-31", "2016-06-01", DatePrecision.Range, "5月31-6月1日")]
    [InlineData("5月31日至6月1日,举办", "2016-05-31", "2016-06-01", DatePrecision.Range, "5月31日至6月1日")]
    [InlineData("6月18至21日,签订", "2016-06-18", "2016-06-21", DatePrecision.Range, "6月18至21日")]
    [InlineData("6月18~21日 签订", "2016-06-18", "2016-06-21", DatePrecision.Range, "6月18~21日")]
    [InlineData("6月18—21日 签订", "2016-06-18", "2016-06-21", DatePrecision.Range, "6月18—21日")]
    [InlineData("6月18–21日 签订", "2016-06-18", "2016-06-21", DatePrecision.Range, "6月18–21日")]
    [InlineData("6月18到21日 签订", "2016-06-18", "2016-06-21", DatePrecision.Range, "6月18到21日")]
    [InlineData("6月18日～21日 签订", "2016-06-18", "2016-06-21", DatePrecision.Range, "6月18日～21日")]
    [InlineData("2016年6月18日,召开", "2016-06-18", "2016-06-18", DatePrecision.Day, "2016年6月18日")]
    [InlineData("2016-06-18 召开", "2016-06-18", "2016-06-18", DatePrecision.Day, "2016-06-18")]
    [InlineData("2016.6.18 召开", "2016-06-18", "2016-06-18", DatePrecision.Day, "2016.6.18")]
    [InlineData("2016/6/18 召开", "2016-06-18", "2016-06-18", DatePrecision.Day, "2016/6/18")]
    [InlineData("６月１８日，召开", "2016-06-18", "2016-06-18", DatePrecision.Day, "６月１８日")]
    [InlineData("六月十八日,召开", "2016-06-18", "2016-06-18", DatePrecision.Day, "六月十八日")]
    [InlineData("二〇一六年六月十八日,召开", "2016-06-18", "2016-06-18", DatePrecision.Day, "二〇一六年六月十八日")]
    [InlineData("六月三十日,召开", "2016-06-30", "2016-06-30", DatePrecision.Day, "六月三十日")]
    [InlineData("6月上旬,开展", "2016-06-01", "2016-06-10", DatePrecision.Range, "6月上旬")]
    [InlineData("6月中旬,开展", "2016-06-11", "2016-06-20", DatePrecision.Range, "6月中旬")]
    [InlineData("6月下旬,开展", "2016-06-21", "2016-06-30", DatePrecision.Range, "6月下旬")]
    [InlineData("6月初,开展", "2016-06-01", "2016-06-10", DatePrecision.Range, "6月初")]
    [InlineData("6月底,开展", "2016-06-21", "2016-06-30", DatePrecision.Range, "6月底")]
    [InlineData("6月末,开展", "2016-06-21", "2016-06-30", DatePrecision.Range, "6月末")]
    [InlineData("月底,开展", "2016-06-21", "2016-06-30", DatePrecision.Range, "月底")]
    [InlineData("3月10日下午 召开", "2016-03-10", "2016-03-10", DatePrecision.Day, "3月10日下午")]
    [InlineData("6月15日上午,召开", "2016-06-15", "2016-06-15", DatePrecision.Day, "6月15日上午")]
    [InlineData("6月15日晚,召开", "2016-06-15", "2016-06-15", DatePrecision.Day, "6月15日晚")]
    [InlineData("6月15日(周三)下午,召开", "2016-06-15", "2016-06-15", DatePrecision.Day, "6月15日(周三)下午")]
    [InlineData("6月5号,召开", "2016-06-05", "2016-06-05", DatePrecision.Day, "6月5号")]
    [InlineData("June 15, the society", "2016-06-15", "2016-06-15", DatePrecision.Day, "June 15")]
    [InlineData("15 June, the society", "2016-06-15", "2016-06-15", DatePrecision.Day, "15 June")]
    [InlineData("June 15-17: conference", "2016-06-15", "2016-06-17", DatePrecision.Range, "June 15-17")]
    [InlineData("30 June – 2 July, forum", "2016-06-30", "2016-07-02", DatePrecision.Range, "30 June – 2 July")]
    [InlineData("June 30 - July 2, forum", "2016-06-30", "2016-07-02", DatePrecision.Range, "June 30 - July 2")]
    [InlineData("15-17 June, forum", "2016-06-15", "2016-06-17", DatePrecision.Range, "15-17 June")]
    [InlineData("Jun. 15, 2016 - visit", "2016-06-15", "2016-06-15", DatePrecision.Day, "Jun. 15, 2016")]
    [InlineData("June 15th, visit", "2016-06-15", "2016-06-15", DatePrecision.Day, "June 15th")]
    [InlineData("Early June, visits", "2016-06-01", "2016-06-10", DatePrecision.Range, "Early June")]
    [InlineData("近日,举行", null, null, DatePrecision.Approximate, "近日")]
    [InlineData("近期,邀请", null, null, DatePrecision.Approximate, "近期")]
    [InlineData("日前,出台", null, null, DatePrecision.Approximate, "日前")]
    [InlineData("近来,举办", null, null, DatePrecision.Approximate, "近来")]
    [InlineData("目前,完成", null, null, DatePrecision.Approximate, "目前")]
    [InlineData("最近,完成", null, null, DatePrecision.Approximate, "最近")]
    [InlineData("Recently, the society", null, null, DatePrecision.Approximate, "Recently")]
    public void TryReadAt_ReadsExpression_WhenClauseStartsWithIt(string text, string? start, string? end, DatePrecision precision, string expression)
    {
        var folded = TextFold.Fold(text);

        Assert.True(DateScanner.TryReadAt(folded, 0, June2016, out var match));

        Assert.Equal(precision, match.Precision);
        Assert.Equal(start, match.Start?.ToString("yyyy-MM-dd"));
        Assert.Equal(end, match.End?.ToString("yyyy-MM-dd"));
        Assert.Equal(expression, text[..match.Length]);
    }

    [Theory]
    [InlineData("12月31日至1月2日,跨年", 2017, 1, "2016-12-31", "2017-01-02")]
    [InlineData("12月31日至1月2日,跨年", 2016, 12, "2016-12-31", "2017-01-02")]
    [InlineData("1月5日,启动", 2016, 12, "2017-01-05", "2017-01-05")]
    [InlineData("12月28日,总结", 2017, 1, "2016-12-28", "2016-12-28")]
    [InlineData("6月15日,召开", 2016, 12, "2016-06-15", "2016-06-15")]
    [InlineData("2015年12月1日,召开", 2016, 6, "2015-12-01", "2015-12-01")]
    public void TryReadAt_PutsYearNearestThePeriod(string text, int year, int month, string start, string end)
    {
        Assert.True(DateScanner.TryReadAt(TextFold.Fold(text), 0, new Period(year, month), out var match));

        Assert.Equal(start, match.Start?.ToString("yyyy-MM-dd"));
        Assert.Equal(end, match.End?.ToString("yyyy-MM-dd"));
    }

    [Theory]
    [InlineData("6月份,我会")]
    [InlineData("第十四届“6·18”交易会")]
    [InlineData("2016年双创科技信息")]
    [InlineData("May we")]
    [InlineData("March 2016 was busy")]
    [InlineData("13月5日")]
    [InlineData("1.5亿元")]
    public void TryReadAt_FindsNothing_WhenTextIsNoDate(string text)
    {
        Assert.False(DateScanner.TryReadAt(TextFold.Fold(text), 0, June2016, out _));
    }

    [Fact]
    public void TryReadAt_MarksInvalid_WhenDayIsNotInCalendar()
    {
        Assert.True(DateScanner.TryReadAt("6月31日,召开", 0, June2016, out var match));

        Assert.True(match.Invalid);
        Assert.Equal(DatePrecision.Undated, match.Precision);
    }

    [Fact]
    public void TryFind_FindsDateInsideClause_AndSkipsDigitRuns()
    {
        const string text = "中国科协于2016年6月18日在福州市举行";

        Assert.True(DateScanner.TryFind(text, 0, June2016, out var match));

        Assert.Equal("2016年6月18日", text.Substring(match.Index, match.Length));
    }
}
