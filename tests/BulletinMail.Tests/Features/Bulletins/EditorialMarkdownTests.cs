using BulletinMail.Features.Bulletins;

namespace BulletinMail.Tests.Features.Bulletins;

/// <summary>Only http, https and mailto links survive in the bulletin (issue 15, item 6).</summary>
public sealed class EditorialMarkdownTests
{
    [Theory]
    [InlineData("[见此](javascript:alert(1))")]
    [InlineData("[见此](JavaScript:alert(1))")]
    [InlineData("[见此](&#106;avascript:alert(1))")]
    [InlineData("[见此](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[见此](vbscript:msgbox)")]
    [InlineData("[见此](file:///etc/passwd)")]
    [InlineData("[见此](/archive/3)")]
    [InlineData("[见此][r]\n\n[r]: javascript:alert(1)")]
    [InlineData("![见此](data:image/svg+xml;base64,PHN2Zz4=)")]
    public void ToHtml_ShowsOtherLinks_AsTheirText(string markdown)
    {
        var html = EditorialMarkdown.ToHtml(markdown);

        Assert.Contains("见此", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_ShowsAnAutolinkWithAnotherScheme_AsText()
    {
        var html = EditorialMarkdown.ToHtml("<javascript:alert(1)>");

        Assert.DoesNotContain("href", html, StringComparison.Ordinal);
        Assert.Contains("javascript:alert(1)", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[科协](https://www.example.org/a?b=1)", "href=\"https://www.example.org/a?b=1\"")]
    [InlineData("[科协](http://www.example.org/)", "href=\"http://www.example.org/\"")]
    [InlineData("[来信](mailto:editor@example.org)", "href=\"mailto:editor@example.org\"")]
    [InlineData("<https://www.example.org/>", "href=\"https://www.example.org/\"")]
    [InlineData("<editor@example.org>", "href=\"mailto:editor@example.org\"")]
    [InlineData("![图](https://www.example.org/a.png)", "src=\"https://www.example.org/a.png\"")]
    public void ToHtml_KeepsHttpHttpsAndMailtoLinks(string markdown, string expected) =>
        Assert.Contains(expected, EditorialMarkdown.ToHtml(markdown), StringComparison.Ordinal);

    [Fact]
    public void ToHtml_WritesRawHtml_AsText()
    {
        var html = EditorialMarkdown.ToHtml("<a href=\"javascript:x\">x</a> <img src=x onerror=alert(1)>");

        Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToText_LeavesNoMarks_ForTheTextBulletinAndTheFeed()
    {
        var text = EditorialMarkdown.ToText("全年举办活动 **28** 场,_覆盖_ 12 个市。\n\n见 [简报](https://example.org/archive)");

        Assert.Contains("全年举办活动 28 场,覆盖 12 个市。", text, StringComparison.Ordinal);
        Assert.Contains("见 简报", text, StringComparison.Ordinal);
        Assert.DoesNotContain("*", text, StringComparison.Ordinal);
        Assert.DoesNotContain("](", text, StringComparison.Ordinal);
    }
}
