using System.Text;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Subscribers;

namespace BulletinMail.Tests.Features.Subscribers;

/// <summary>Subscriber lists as Chinese Excel and other spreadsheets export them (issue 12 item 3).</summary>
public sealed class SubscriberCsvTests
{
    [Fact]
    public void Read_DecodesGbk_WhenTheHeaderIsChinese()
    {
        var list = SubscriberCsv.Read(TextDecoder.Gb18030.GetBytes("邮箱,姓名\r\nzhang@example.org,张三\r\nli@example.org,李四\r\n"));

        Assert.Equal("gb18030", list.Charset);
        Assert.Equal([("zhang@example.org", "张三"), ("li@example.org", "李四")], list.Rows.Select(r => (r.Email, r.Name)));
        Assert.Empty(list.Invalid);
    }

    [Fact]
    public void Read_DecodesBig5_WhenTheHeaderIsTraditional()
    {
        var list = SubscriberCsv.Read(TextDecoder.Big5.GetBytes("電子郵件,姓名\r\nchen@example.org,陳大文\r\n"));

        Assert.Equal(("chen@example.org", "陳大文"), (list.Rows.Single().Email, list.Rows.Single().Name));
    }

    [Fact]
    public void Read_KeepsANewline_WhenItIsInsideQuotes()
    {
        var list = SubscriberCsv.Read("email,name\n\"a@example.org\",\"王\n五\"\nb@example.org,\"李, 四\"\n"u8);

        Assert.Equal([("a@example.org", "王\n五", 2), ("b@example.org", "李, 四", 4)], list.Rows.Select(r => (r.Email, r.Name, r.Line)));
    }

    [Fact]
    public void Read_DropsTheBom_WhenUtf8HasOne()
    {
        var list = SubscriberCsv.Read([.. Encoding.UTF8.GetPreamble(), .. "email,name\r\nbom@example.org,有BOM\r\n"u8]);

        Assert.Equal("utf-8", list.Charset);
        Assert.Equal("有BOM", list.Rows.Single().Name);
    }

    [Fact]
    public void Read_FindsTheColumns_InAnyOrderAndAmongOthers()
    {
        var list = SubscriberCsv.Read("序号,名称,备注,电子邮件\n1,张三,科协,Zhang@Example.org\n2,,,wu@example.org\n"u8);

        Assert.Equal([("Zhang@Example.org", "张三"), ("wu@example.org", (string?)null)], list.Rows.Select(r => (r.Email, r.Name)));
    }

    [Fact]
    public void Read_GivesTheReason_WhenARowCannotBeImported()
    {
        var list = SubscriberCsv.Read("email,name\nok@example.org,一\nnot-an-address,二\n\n,三\nOK@example.org,四\n"u8);

        Assert.Equal("ok@example.org", list.Rows.Single().Email);
        Assert.Equal(
            [(3, "not-an-address", SubscriberCsv.NotAnAddress), (5, "", SubscriberCsv.NotAnAddress), (6, "OK@example.org", SubscriberCsv.Repeated)],
            list.Invalid.Select(r => (r.Line, r.Email, r.Reason)));
    }

    [Theory]
    [InlineData("邮箱\t姓名\nt@example.org\t张三\n")]
    [InlineData("email;name\nt@example.org;张三\n")]
    public void Read_InfersTheSeparator_AsTheSpreadsheetChoseIt(string csv)
    {
        var row = SubscriberCsv.Read(Encoding.UTF8.GetBytes(csv)).Rows.Single();

        Assert.Equal(("t@example.org", "张三"), (row.Email, row.Name));
    }

    [Theory]
    [InlineData("address,who\na@example.org,x\n")]
    [InlineData("")]
    public void Read_NamesTheExpectedHeaders_WhenNoneMatches(string csv)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SubscriberCsv.Read(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal(SubscriberCsv.NoEmailHeader, ex.Message);
        Assert.Contains("邮箱", ex.Message, StringComparison.Ordinal);
    }
}
