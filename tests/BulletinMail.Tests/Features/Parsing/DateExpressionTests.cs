using BulletinMail.Features.Parsing;

namespace BulletinMail.Tests.Features.Parsing;

/// <summary>Dates as editors type them in the queue's edit form.</summary>
public sealed class DateExpressionTests
{
    private static readonly Period June2016 = new(2016, 6);

    [Theory]
    [InlineData("6月15日", "2016-06-15", "2016-06-15", DatePrecision.Day)]
    [InlineData(" 6月5-7日 ", "2016-06-05", "2016-06-07", DatePrecision.Range)]
    [InlineData("6月上旬", "2016-06-01", "2016-06-10", DatePrecision.Range)]
    [InlineData("６月１８日", "2016-06-18", "2016-06-18", DatePrecision.Day)]
    [InlineData("2016-06-18", "2016-06-18", "2016-06-18", DatePrecision.Day)]
    [InlineData("June 15", "2016-06-15", "2016-06-15", DatePrecision.Day)]
    [InlineData("6月15日,", "2016-06-15", "2016-06-15", DatePrecision.Day)]
    public void ReadsWhatTheParserReads(string typed, string start, string end, DatePrecision precision)
    {
        Assert.True(DateExpression.TryParse(typed, June2016, out var date));
        Assert.Equal((DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), precision), (date.Start!.Value, date.End!.Value, date.Precision));
        Assert.Equal(typed.Trim().TrimEnd(','), date.Text);
    }

    [Fact]
    public void TheYear_IsTheOneNearestThePeriod()
    {
        Assert.True(DateExpression.TryParse("12月30日", new Period(2017, 1), out var date));
        Assert.Equal(new DateOnly(2016, 12, 30), date.Start);
    }

    [Fact]
    public void ApproximateWords_HaveNoDay()
    {
        Assert.True(DateExpression.TryParse("近日", June2016, out var date));
        Assert.Equal((DatePrecision.Approximate, (DateOnly?)null), (date.Precision, date.Start));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sometime soon")]
    [InlineData("6月31日")]
    [InlineData("6月15日召开会议")] // more than a date
    public void RefusesAnythingElse(string typed) => Assert.False(DateExpression.TryParse(typed, June2016, out _));
}
