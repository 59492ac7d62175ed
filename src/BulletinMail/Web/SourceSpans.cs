using System.Text;
using System.Text.Encodings.Web;
using BulletinMail.Features.Review;
using Microsoft.AspNetCore.Html;

namespace BulletinMail.Web;

/// <summary>A piece of the text entries were parsed from; <see cref="EntryId"/> is set when it is that entry's span.</summary>
public sealed record SourceSegment(string Text, long? EntryId);

/// <summary>
/// The text a submission's entries were parsed from (the forwarded part, an attachment's text),
/// cut into segments so a page can mark each entry's span. An entry is looked for as written,
/// whitespace aside (a clause may wrap lines); one that cannot be found (edited, or rewritten by
/// the parser) gets no mark rather than a wrong one.
/// </summary>
public static class SourceSpans
{
    public static IReadOnlyList<SourceSegment> Mark(string source, IEnumerable<StoredEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(entries);

        // The source without whitespace, and where each of its characters stands in the source.
        var compact = new StringBuilder(source.Length);
        var at = new List<int>(source.Length);
        for (var i = 0; i < source.Length; i++)
        {
            if (!char.IsWhiteSpace(source[i]))
            {
                compact.Append(source[i]);
                at.Add(i);
            }
        }

        var text = compact.ToString();
        var spans = new List<(int Start, int End, long Id)>();
        var from = 0;
        foreach (var entry in entries.OrderBy(e => e.Seq))
        {
            var wanted = string.Concat(entry.Text.Where(c => !char.IsWhiteSpace(c)));
            if (wanted.Length == 0)
            {
                continue;
            }

            // Entries follow the source's order: look after the last one found, else anywhere, but only where it is the one place.
            var found = text.IndexOf(wanted, from, StringComparison.Ordinal);
            if (found < 0 && text.IndexOf(wanted, StringComparison.Ordinal) is var anywhere and >= 0
                && text.IndexOf(wanted, anywhere + 1, StringComparison.Ordinal) < 0)
            {
                found = anywhere;
            }

            var start = found < 0 ? -1 : at[found];
            var end = found < 0 ? -1 : at[found + wanted.Length - 1] + 1;
            if (found < 0 || spans.Any(s => start < s.End && s.Start < end))
            {
                continue;
            }

            spans.Add((start, end, entry.Id));
            from = found + wanted.Length;
        }

        var segments = new List<SourceSegment>();
        var cursor = 0;
        foreach (var (start, end, id) in spans.OrderBy(s => s.Start))
        {
            if (start > cursor)
            {
                segments.Add(new SourceSegment(source[cursor..start], null));
            }

            segments.Add(new SourceSegment(source[start..end], id));
            cursor = end;
        }

        if (cursor < source.Length)
        {
            segments.Add(new SourceSegment(source[cursor..], null));
        }

        return segments;
    }

    /// <summary>The segments as HTML, every piece of the (untrusted) text encoded, each entry's span a <c>mark</c>.</summary>
    public static IHtmlContent Html(IEnumerable<SourceSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var html = new StringBuilder();
        foreach (var segment in segments)
        {
            var text = HtmlEncoder.Default.Encode(segment.Text);
            html.Append(segment.EntryId is { } id ? $"<mark id=\"m{id}\" data-entry-span=\"{id}\">{text}</mark>" : text);
        }

        return new HtmlString(html.ToString());
    }
}
