using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace BulletinMail.Features.Bulletins;

/// <summary>
/// The editors' Markdown as the bulletin's HTML: no raw HTML, and only http, https and mailto links
/// (issue 15: a <c>javascript:</c> or <c>data:</c> link went into the mail, where no CSP guards it).
/// Any other link or image, relative ones included, is shown as its text.
/// </summary>
public static class EditorialMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    private static readonly string[] SafeSchemes = [Uri.UriSchemeHttp, Uri.UriSchemeHttps, Uri.UriSchemeMailto];

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown ?? string.Empty, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().Where(l => !IsSafe(l.Url)).ToList())
        {
            // Its text (an image's: the alt text) stays where the link was.
            while (link.FirstChild is { } child)
            {
                child.Remove();
                link.InsertBefore(child);
            }

            link.Remove();
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().Where(a => !a.IsEmail && !IsSafe(a.Url)).ToList())
        {
            autolink.ReplaceBy(new LiteralInline(autolink.Url));
        }

        return document.ToHtml(Pipeline);
    }

    /// <summary>The Markdown as the text bulletin and the feed show it: its words without the marks (<c>**28**</c> is 28).</summary>
    public static string ToText(string markdown) => Markdown.ToPlainText(markdown ?? string.Empty, Pipeline).TrimEnd();

    private static bool IsSafe(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && SafeSchemes.Contains(uri.Scheme, StringComparer.Ordinal);
}
