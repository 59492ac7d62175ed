using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace BulletinMail.Features.Extraction;

/// <summary>
/// The visible text of HTML, one line per block: never script, style or template content, nor
/// elements hidden with <c>display:none</c>. List items become bulleted lines, table cells are
/// joined with a tab, and block quotes are marked <c>&gt;</c> like quoted mail. Malformed HTML is
/// read as browsers read it (AngleSharp follows the HTML5 parsing rules).
/// </summary>
public static class HtmlTextExtractor
{
    private static readonly HashSet<string> Invisible =
        new(StringComparer.OrdinalIgnoreCase) { "script", "style", "template", "head", "title", "noscript", "iframe", "object", "svg", "button", "select" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "section",
        "article", "header", "footer", "pre", "hr", "dt", "dd", "dl", "address", "center", "form", "main", "nav", "aside",
    };

    public static string Extract(string html)
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(html);
        var output = new StringBuilder(html.Length / 2);
        if (document.Body is { } body)
        {
            Append(body, output, quoteDepth: 0);
        }

        return output.ToString().Trim();
    }

    private static void Append(INode node, StringBuilder output, int quoteDepth)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    AppendText(text.Data, output, quoteDepth);
                    break;
                case IElement element when IsHidden(element):
                    break;
                case IElement element:
                    var name = element.LocalName;
                    var block = Blocks.Contains(name);
                    if (block)
                    {
                        NewLine(output);
                    }

                    if (name is "li")
                    {
                        output.Append("• ");
                    }
                    else if (name is "td" or "th" && element.PreviousElementSibling is not null)
                    {
                        output.Append('\t');
                    }

                    Append(element, output, name == "blockquote" ? quoteDepth + 1 : quoteDepth);
                    if (block)
                    {
                        NewLine(output);
                    }

                    break;
            }
        }
    }

    private static bool IsHidden(IElement element) =>
        Invisible.Contains(element.LocalName)
        || element.HasAttribute("hidden")
        || (element.GetAttribute("style") is { } style
            && style.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("display:none", StringComparison.OrdinalIgnoreCase));

    private static void AppendText(string data, StringBuilder output, int quoteDepth)
    {
        // HTML collapses white space; line breaks come only from blocks.
        var lastWasSpace = output.Length == 0 || output[^1] is ' ' or '\n' or '\t';
        foreach (var c in data)
        {
            if (c is ' ' or '\n' or '\r' or '\t' or '\f')
            {
                if (!lastWasSpace)
                {
                    output.Append(' ');
                    lastWasSpace = true;
                }

                continue;
            }

            if (quoteDepth > 0 && (output.Length == 0 || output[^1] == '\n'))
            {
                output.Append('>', quoteDepth).Append(' ');
            }

            output.Append(c == '\u00A0' ? ' ' : c);
            lastWasSpace = false;
        }
    }

    private static void NewLine(StringBuilder output)
    {
        while (output.Length > 0 && output[^1] == ' ')
        {
            output.Length--;
        }

        if (output.Length > 0 && output[^1] != '\n')
        {
            output.Append('\n');
        }
    }
}
