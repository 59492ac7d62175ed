using System.Text.RegularExpressions;

namespace BulletinMail.Features.Parsing;

/// <summary>A line's range in the folded text; <paramref name="Flattened"/> when it was cut out of a longer line.</summary>
internal readonly record struct LineRange(int Start, int End, bool Flattened);

/// <summary>
/// Cuts folded text into lines. A long line that holds a whole list — its line breaks lost when
/// it was pasted from a web page or an HTML mail — is cut again before each of its markers
/// ((一)UNIT(3项), 1、, 2,、, ▲, UNIT:), so that it reads like the list it was.
/// </summary>
internal static partial class LineSplitter
{
    // Shorter lines are read as they are; a list needs at least this many markers to be cut.
    private const int FlattenedMinLength = 150;
    private const int FlattenedMinMarkers = 3;

    public static List<LineRange> Split(string folded, IKnownUnits registry)
    {
        var lines = new List<LineRange>();
        var position = 0;
        while (position <= folded.Length)
        {
            var newline = folded.AsSpan(position).IndexOfAny('\n', '\r');
            var lineEnd = newline < 0 ? folded.Length : position + newline;
            if (lineEnd - position < FlattenedMinLength || !TrySplitFlattened(folded, position, lineEnd, registry, lines))
            {
                lines.Add(new LineRange(position, lineEnd, Flattened: false));
            }

            if (newline < 0)
            {
                break;
            }

            position = lineEnd + (folded[lineEnd] == '\r' && lineEnd + 1 < folded.Length && folded[lineEnd + 1] == '\n' ? 2 : 1);
        }

        return lines;
    }

    private static bool TrySplitFlattened(string folded, int start, int end, IKnownUnits registry, List<LineRange> lines)
    {
        var cuts = new List<int>();
        foreach (var match in ListMarker().EnumerateMatches(folded.AsSpan(start, end - start)))
        {
            cuts.Add(start + match.Index);
        }

        AddUnitParagraphStarts(folded, start, end, registry, cuts);
        if (cuts.Count < FlattenedMinMarkers)
        {
            return false;
        }

        cuts.Sort();
        var from = start;
        foreach (var cut in cuts)
        {
            if (cut > from)
            {
                lines.Add(new LineRange(from, cut, Flattened: true));
                from = cut;
            }
        }

        lines.Add(new LineRange(from, end, Flattened: true));
        return true;
    }

    // 。苏州市:6月5日,… — a unit's paragraph that starts after a sentence ended.
    private static void AddUnitParagraphStarts(string folded, int start, int end, IKnownUnits registry, List<int> cuts)
    {
        for (var colon = folded.IndexOf(':', start, end - start); colon > start; colon = colon + 1 < end ? folded.IndexOf(':', colon + 1, end - colon - 1) : -1)
        {
            var nameStart = colon;
            while (nameStart > start && colon - nameStart < 20 && folded[nameStart - 1] is not ('。' or ';' or ' ' or '\t' or '!' or ':'))
            {
                nameStart--;
            }

            var boundary = nameStart == start || folded[nameStart - 1] is '。' or ';' or ' ' or '\t' or '!';
            if (nameStart > start && boundary && UnitNameRules.IsUnitName(folded.AsSpan(nameStart, colon - nameStart), registry))
            {
                cuts.Add(nameStart);
            }
        }
    }

    // A list marker that follows white space or the end of a clause: (一), 一、, 1、, 2,、, ▲, ●.
    [GeneratedRegex(@"(?<=[\s;。,:])(?:\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、|\d{1,2},?、|[▲●■◆])")]
    private static partial Regex ListMarker();
}
