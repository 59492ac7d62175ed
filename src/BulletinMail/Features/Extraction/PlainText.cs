using System.Text;
using System.Xml;

namespace BulletinMail.Features.Extraction;

/// <summary>
/// Text as the rest of the worker may trust it (issue 15: one reporter's <c>&amp;#x01;</c> broke the
/// public feed): no control characters but tab and line feed, and line feeds as the only line break.
/// </summary>
public static class PlainText
{
    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\t' or '\n'))]);

    /// <summary>CR LF and lone CR become LF; every other control character (C0, DEL, C1) but tab is removed.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAny(Controls))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                clean.Append('\n');
                i += i + 1 < text.Length && text[i + 1] == '\n' ? 1 : 0;
            }
            else if (!char.IsControl(c) || c is '\t' or '\n')
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    /// <summary>Only the characters XML 1.0 allows (an XmlWriter throws on the others): for text from anywhere, the database included.</summary>
    public static string ForXml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                clean.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                clean.Append(text, i++, 2);
            }
        }

        return clean.ToString();
    }
}
