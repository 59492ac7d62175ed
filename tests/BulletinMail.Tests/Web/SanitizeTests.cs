using BulletinMail.Web;

namespace BulletinMail.Tests.Web;

/// <summary>Untrusted HTML from mail, cleaned before it is shown inside our pages.</summary>
public sealed class SanitizeTests
{
    [Theory]
    [InlineData("<p>报告<script>alert(1)</script></p>", "<script")]
    [InlineData("<img src=x onerror=alert(1)>", "onerror")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "javascript:")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "avascript")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>", "<iframe")]
    [InlineData("<svg><script>alert(1)</script></svg>", "<script")]
    [InlineData("<form action=\"https://evil.example\"><input name=p></form>", "<form")]
    [InlineData("<div style=\"background:url(javascript:alert(1))\">x</div>", "javascript")]
    [InlineData("<body onload=alert(1)>x</body>", "onload")]
    public void RemovesWhatCouldRun(string html, string forbidden)
    {
        var clean = OriginalView.Sanitize(html, remoteImages: false, out _);
        Assert.DoesNotContain(forbidden, clean, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void KeepsTheReport()
    {
        var clean = OriginalView.Sanitize("<table><tr><td><b>6月3日</b>,召开理事会。</td></tr></table><a href=\"https://cast.org.cn\">链接</a>", false, out _);
        Assert.Contains("<b>6月3日</b>,召开理事会。", clean, StringComparison.Ordinal);
        Assert.Contains("href=\"https://cast.org.cn\"", clean, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", clean, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteImages_WaitUntilAskedFor()
    {
        const string html = "<img src=\"https://tracker.example/pixel.gif\"><img src=\"data:image/png;base64,iVBORw0KGgo=\">";
        var blocked = OriginalView.Sanitize(html, remoteImages: false, out var count);
        Assert.Equal(1, count);
        Assert.DoesNotContain("tracker.example", blocked, StringComparison.Ordinal);

        var shown = OriginalView.Sanitize(html, remoteImages: true, out count);
        Assert.Equal(0, count);
        Assert.Contains("https://tracker.example/pixel.gif", shown, StringComparison.Ordinal);
    }
}
