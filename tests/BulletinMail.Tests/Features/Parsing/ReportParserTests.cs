using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Tests.Features.Parsing;

public sealed class ReportParserTests
{
    private static readonly Period June2016 = new(2016, 6);
    private static readonly ReportParser Parser = new(new UnitRegistry(
        ["创新驱动示范市工作情况"],
        [new UnitDefinition("保定市", ["保定市科协"], "创新驱动示范市工作情况", 1, ["kx@baoding.example.org"])]));

    [Fact]
    public void Parse_UsesGivenUnit_WhenTextNamesNone()
    {
        var entries = Parser.Parse("6月15日,召开理事会。", June2016, "保定市").Entries;

        var entry = Assert.Single(entries);
        Assert.Equal("保定市", entry.Unit);
        Assert.Empty(entry.Warnings);
        Assert.Equal(1.0, entry.Confidence);
    }

    [Fact]
    public void Parse_WarnsUnknownUnit_WhenNoUnitAnywhere()
    {
        var entry = Assert.Single(Parser.Parse("6月15日,召开理事会。", June2016).Entries);

        Assert.Null(entry.Unit);
        Assert.Contains(entry.Warnings, w => w.StartsWith("unit-unknown", StringComparison.Ordinal));
        Assert.True(entry.Confidence < 1.0);
    }

    [Fact]
    public void Parse_InheritsPreviousDate_WhenClauseHasNone()
    {
        var entries = Parser.Parse("6月15日,召开理事会;组织专家座谈。", June2016, "保定市").Entries;

        Assert.Equal(2, entries.Count);
        Assert.True(entries[1].Inherited);
        Assert.Equal(entries[0].Date, entries[1].Date);
    }

    [Fact]
    public void Parse_WarnsAndLowersConfidence_WhenDateFarOutsidePeriod()
    {
        var entry = Assert.Single(Parser.Parse("2016年3月5日,召开理事会。", June2016, "保定市").Entries);

        Assert.Contains(entry.Warnings, w => w.StartsWith("date-outside-period", StringComparison.Ordinal));
        Assert.True(entry.Confidence <= 0.7);
    }

    [Fact]
    public void Parse_WarnsNoDate_WhenItemIsUndated()
    {
        var entry = Assert.Single(Parser.Parse("1、组织专家开展咨询服务", June2016, "保定市").Entries);

        Assert.Equal(DatePrecision.Undated, entry.Date.Precision);
        Assert.Contains(entry.Warnings, w => w.StartsWith("no-date", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_WarnsLongClause_WhenClauseIsVeryLong()
    {
        var entry = Assert.Single(Parser.Parse("6月15日," + new string('长', 400), June2016, "保定市").Entries);

        Assert.Contains(entry.Warnings, w => w.StartsWith("long-clause", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_WarnsInvalidDate_WhenDayDoesNotExist()
    {
        var entry = Assert.Single(Parser.Parse("6月31日,召开理事会。", June2016, "保定市").Entries);

        Assert.Equal(DatePrecision.Undated, entry.Date.Precision);
        Assert.Contains(entry.Warnings, w => w.StartsWith("invalid-date", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DatesClause_WhenDateStandsInsideIt()
    {
        var entry = Assert.Single(Parser.Parse("中国科协于6月18日在福州市举行对接活动。", June2016, "保定市").Entries);

        Assert.Equal(new DateOnly(2016, 6, 18), entry.Date.Start);
        Assert.Equal("中国科协于6月18日在福州市举行对接活动", entry.Text);
    }

    [Fact]
    public void Parse_RecognisesRegisteredAlias_AsUnitPrefix()
    {
        var entry = Assert.Single(Parser.Parse("保定市科协:6月15日,召开理事会。", June2016).Entries);

        Assert.Equal("保定市科协", entry.Unit);
        Assert.Empty(entry.Warnings);
    }

    [Theory]
    [InlineData("On Tue, Jun 28, 2016 at 3:15 PM Office <office@example.org> wrote:")]
    [InlineData("在 2016年6月28日 下午3:15,\"办公室\" <office@example.org> 写道:")]
    [InlineData("-----原始邮件-----")]
    [InlineData("-----Original Message-----")]
    [InlineData("From: Office <office@example.org>")]
    [InlineData("--")]
    public void Parse_IgnoresQuotedReply_AfterAttributionLine(string attribution)
    {
        var text = $"6月15日,召开理事会。\n\n{attribution}\n6月20日,请各单位报送材料。\n";

        var entry = Assert.Single(Parser.Parse(text, June2016, "保定市").Entries);

        Assert.Equal("召开理事会", entry.Text);
    }

    [Fact]
    public void Parse_IgnoresQuotedLines_MarkedWithAngleBrackets()
    {
        var entries = Parser.Parse("6月15日,召开理事会。\n> 6月20日,请各单位报送材料。\n", June2016, "保定市").Entries;

        Assert.Single(entries);
    }

    [Fact]
    public void Parse_ReadsForwardedReport_SkippingItsHeaders()
    {
        const string text = "转发一下\n\n---------- Forwarded message ---------\nFrom: 保定市科协 <kx@baoding.example.org>\nDate: 2016年7月1日\nSubject: 6月工作情况\nTo: submit@example.org\n\n6月15日,召开理事会。\n";

        var entry = Assert.Single(Parser.Parse(text, June2016, "保定市").Entries);

        Assert.Equal("召开理事会", entry.Text);
    }

    [Fact]
    public void Parse_ReadsNextSection_AfterSignatureEndsTheBody()
    {
        var text = "请查收附件。\n谢谢!\n王芳\n" + LineClassifier.SectionBreak + "\n6月15日,召开理事会。\n";

        var entry = Assert.Single(Parser.Parse(text, June2016, "保定市").Entries);

        Assert.Equal("召开理事会", entry.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    [InlineData("各位好:\n\n附件是6月工作情况,请查收。\n\n谢谢!")]
    public void Parse_ReturnsNoEntries_WhenTextHasNoActivities(string text)
    {
        Assert.Empty(Parser.Parse(text, June2016, "保定市").Entries);
    }

    [Fact]
    public void Parse_KeepsQuotedSemicolons_InsideOneClause()
    {
        var entry = Assert.Single(Parser.Parse("6月15日,签署《关于合作;共建的协议》。", June2016, "保定市").Entries);

        Assert.Equal("签署《关于合作;共建的协议》", entry.Text);
    }

    [Fact]
    public void Parse_SplitsSentences_OnlyWhereNextOneIsDated()
    {
        var entries = Parser.Parse("6月5日,召开理事会。会议由理事长主持。6月8日,举办年会。", June2016, "保定市").Entries;

        Assert.Equal(["召开理事会。会议由理事长主持", "举办年会"], entries.Select(e => e.Text));
    }

    [Fact]
    public void Parse_HandlesHugeText_WithoutFailing()
    {
        var text = string.Concat(Enumerable.Repeat("6月15日,召开理事会;近日,组织专家座谈。\n", 20_000));

        var entries = Parser.Parse(text, June2016, "保定市").Entries;

        Assert.Equal(40_000, entries.Count);
    }
}
