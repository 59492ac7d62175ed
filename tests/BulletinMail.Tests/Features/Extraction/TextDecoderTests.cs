using BulletinMail.Features.Extraction;

namespace BulletinMail.Tests.Features.Extraction;

public sealed class TextDecoderTests
{
    private const string Report = "6月15日,重庆固高科技长江研究院正式开业;6月18日,举办科技成果对接会。\n";

    [Theory]
    [InlineData("utf8-bom.txt", "utf-8")]
    [InlineData("utf8.txt", "utf-8")]
    [InlineData("utf16le-bom.txt", "utf-16le")]
    [InlineData("utf16be-bom.txt", "utf-16be")]
    [InlineData("utf16le.txt", "utf-16le")]
    [InlineData("gb18030.txt", "gb18030")]
    [InlineData("gbk.txt", "gb18030")]
    [InlineData("gb2312.txt", "gb18030")]
    public void Decode_ReadsReport_InEveryCommonCharset(string file, string charset)
    {
        var decoded = TextDecoder.Decode(File.ReadAllBytes(TestPaths.Data("charsets", file)));

        Assert.Equal(Report, decoded.Text);
        Assert.Equal(charset, decoded.Charset);
    }

    [Fact]
    public void Decode_ReadsBig5_AsTraditionalChinese()
    {
        var decoded = TextDecoder.Decode(File.ReadAllBytes(TestPaths.Data("charsets", "big5.txt")));

        Assert.Equal("big5", decoded.Charset);
        Assert.Equal("6月15日,舉辦科技成果對接會;6月18日,科協與學會簽訂合作協議。\n", decoded.Text);
    }

    [Fact]
    public void Decode_LosesNoCharacter_WhenGbkTextIsLabelledGb2312()
    {
        var bytes = File.ReadAllBytes(TestPaths.Data("charsets", "gbk-beyond-gb2312.txt"));

        var decoded = TextDecoder.Decode(bytes, "gb2312");

        Assert.Equal("6月15日,朱镕基、陶喆出席活动。\n", decoded.Text);
        Assert.DoesNotContain('?', decoded.Text);
    }

    [Fact]
    public void Decode_DetectsBig5_WhenLabelledGb2312()
    {
        var bytes = File.ReadAllBytes(TestPaths.Data("charsets", "big5.txt"));

        Assert.Equal("big5", TextDecoder.Decode(bytes, "gb2312").Charset);
    }

    [Fact]
    public void Decode_PrefersUtf8_WhenLabelIsWrong()
    {
        var bytes = File.ReadAllBytes(TestPaths.Data("charsets", "utf8.txt"));

        Assert.Equal(Report, TextDecoder.Decode(bytes, "gbk").Text);
    }
}
