namespace BulletinMail.Features.Parsing;

/// <summary>
/// Finds tables — as tab-separated rows (a .docx table) or flattened to one cell per line (a
/// web page's table pasted as text) — and turns each row into one <see cref="LineKind.TableRow"/>
/// whose body is the cell that says what was done (完成情况, 活动名称) and whose name, if the
/// table has one, is its date cell (时间). A deadline column (完成时限) is no date.
/// </summary>
internal static class TableRules
{
    // A header of a dozen columns, one cell a line with a blank line between each.
    private const int MaxHeaderLines = 40;

    private static readonly string[] NumberHeaders = ["序号", "编号", "no.", "no", "#"];

    // The cell an entry's text comes from, best first.
    private static readonly string[] TextHeaders =
    [
        "完成情况", "推进情况", "进展情况", "工作进展", "落实情况", "进展", "工作内容", "活动内容", "主要内容", "活动名称", "活动主题",
        "内容", "名称", "activity", "activities", "event", "description",
    ];

    private static readonly string[] DateHeaders = ["时间", "日期", "活动时间", "举办时间", "date", "time"];

    private static readonly string[] OtherHeaders =
    [
        "重点", "重点工作", "重点任务", "工作任务", "任务", "工作重点", "项目", "项目名称", "事项", "地点", "活动地点", "人数", "参与人数",
        "参加人数", "参加人员", "完成时限", "时限", "责任单位", "牵头单位", "单位", "备注", "主办单位", "承办单位", "责任人", "venue",
        "place", "location", "attendees", "participants", "notes",
    ];

    public static void Apply(string folded, List<ReportLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind == LineKind.Blank)
            {
                continue;
            }

            var consumed = folded.AsSpan(lines[i].Start, lines[i].Length).Contains('\t')
                ? ReadTabTable(folded, lines, i)
                : ReadCellTable(folded, lines, i);
            if (consumed > 0)
            {
                SkipCaption(folded, lines, i);
            }

            i += Math.Max(0, consumed - 1);
        }
    }

    // 东阳市科协6月科普活动安排表, Table 2: Events — the line right above a table's header names the
    // table; it is neither an entry nor a section (a section would end the unit the table belongs to).
    private static void SkipCaption(string folded, List<ReportLine> lines, int header)
    {
        if (header == 0 || lines[header - 1].Kind is LineKind.Blank or LineKind.Skip or LineKind.End)
        {
            return;
        }

        var caption = folded.AsSpan(lines[header - 1].Start, lines[header - 1].Length).TrimEnd(':');
        if (caption.Length <= 40 && (caption.EndsWith('表') || caption.EndsWith("一览", StringComparison.Ordinal)
            || caption.StartsWith("table ", StringComparison.OrdinalIgnoreCase)))
        {
            lines[header - 1] = lines[header - 1] with { Kind = LineKind.Skip };
        }
    }

    private enum Column
    {
        Other,
        Number,
        Text,
        Date,
    }

    private static readonly (string[] Words, Column Column)[] HeaderWords =
        [(NumberHeaders, Column.Number), (DateHeaders, Column.Date), (TextHeaders, Column.Text), (OtherHeaders, Column.Other)];

    private static Column? HeaderColumn(ReadOnlySpan<char> cell)
    {
        cell = cell.Trim();
        foreach (var (words, column) in HeaderWords)
        {
            foreach (var word in words)
            {
                if (cell.Equals(word, StringComparison.OrdinalIgnoreCase))
                {
                    return column;
                }
            }
        }

        return null;
    }

    // The text column is the best-ranked text header; with none, the table is not one of activities.
    private static int TextColumn(List<string> headers)
    {
        foreach (var word in TextHeaders)
        {
            var index = headers.FindIndex(h => h.Equals(word, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index;
            }
        }

        return -1;
    }

    private static int DateColumn(List<string> headers) =>
        headers.FindIndex(h => Array.Exists(DateHeaders, d => d.Equals(h, StringComparison.OrdinalIgnoreCase)));

    private static List<(int Start, int End)> Cells(string folded, ReportLine line)
    {
        var cells = new List<(int, int)>();
        var start = line.Start;
        for (var i = line.Start; i <= line.End; i++)
        {
            if (i == line.End || folded[i] == '\t')
            {
                cells.Add(LineClassifier.Trim(folded, start, i));
                start = i + 1;
            }
        }

        return cells;
    }

    // 序号	重点任务	进展情况	完成时限 / 1	…	…	…
    private static int ReadTabTable(string folded, List<ReportLine> lines, int headerIndex)
    {
        var headerCells = Cells(folded, lines[headerIndex]);
        var headers = headerCells.Select(c => folded[c.Start..c.End]).ToList();
        var text = TextColumn(headers);
        if (headers.Count(h => HeaderColumn(h) is not null) < 2 || text < 0)
        {
            return 0;
        }

        var date = DateColumn(headers);
        lines[headerIndex] = lines[headerIndex] with { Kind = LineKind.Skip };
        var i = headerIndex + 1;
        for (; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind == LineKind.Blank)
            {
                continue;
            }

            if (!folded.AsSpan(line.Start, line.Length).Contains('\t'))
            {
                break;
            }

            var cells = Cells(folded, line);
            lines[i] = Row(line, cells, text, date);
        }

        return i - headerIndex;
    }

    private static ReportLine Row(ReportLine line, List<(int Start, int End)> cells, int text, int date)
    {
        var (bodyStart, bodyEnd) = text < cells.Count ? cells[text] : (line.End, line.End);
        var (nameStart, nameEnd) = date >= 0 && date < cells.Count ? cells[date] : (0, 0);
        return line with { Kind = bodyEnd > bodyStart ? LineKind.TableRow : LineKind.Skip, BodyStart = bodyStart, BodyEnd = bodyEnd, NameStart = nameStart, NameEnd = nameEnd, Level = 0 };
    }

    // 序号 / 重点 / 完成情况 / 完成 / 时限 / 1 / … — one cell a line, blank lines or not between them.
    private static int ReadCellTable(string folded, List<ReportLine> lines, int first)
    {
        var headers = new List<string>();
        var headerLines = new List<int>();
        var fragment = string.Empty;
        var i = first;
        for (; i < lines.Count; i++)
        {
            if (i - first > MaxHeaderLines)
            {
                return 0; // no table's header is this long; looking further from every line would be quadratic
            }

            var line = lines[i];
            if (line.Kind == LineKind.Blank)
            {
                continue;
            }

            var cell = folded[line.Start..line.End];
            if (HeaderColumn(fragment + cell) is not null)
            {
                headers.Add(fragment + cell);
                fragment = string.Empty;
            }
            else if (fragment.Length == 0 && cell.Length <= 3 && headers.Count > 0 && !cell.Any(char.IsAsciiDigit))
            {
                fragment = cell; // 参与 / 人数: a header cell wrapped in two lines
            }
            else
            {
                break;
            }

            headerLines.Add(i);
        }

        var text = TextColumn(headers);
        if (headers.Count < 2 || text < 0 || fragment.Length > 0)
        {
            return 0;
        }

        var numbered = HeaderColumn(headers[0]) == Column.Number;
        var rows = numbered ? NumberedRows(folded, lines, i) : GroupedRows(lines, i, headers.Count);
        if (rows.Count == 0)
        {
            return 0;
        }

        foreach (var index in headerLines)
        {
            lines[index] = lines[index] with { Kind = LineKind.Skip };
        }

        var date = DateColumn(headers);
        foreach (var row in rows)
        {
            var cells = row.Select(index => (lines[index].Start, lines[index].End)).ToList();
            var rowLine = lines[row[0]];
            foreach (var index in row)
            {
                lines[index] = lines[index] with { Kind = LineKind.Skip };
            }

            lines[row[0]] = Row(rowLine, cells, text, date);
        }

        return rows[^1][^1] - first + 1;
    }

    // Each row starts with its number, 1, 2, 3…; the last one has as many cells as the first.
    private static List<List<int>> NumberedRows(string folded, List<ReportLine> lines, int from)
    {
        var rows = new List<List<int>>();
        List<int>? row = null;
        var cellsPerRow = int.MaxValue;
        for (var i = from; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind == LineKind.Blank)
            {
                continue;
            }

            if (int.TryParse(folded.AsSpan(line.Start, line.Length), out var number) && number == rows.Count + 1)
            {
                if (row is not null && rows.Count == 1)
                {
                    cellsPerRow = row.Count;
                }

                row = [i];
                rows.Add(row);
                continue;
            }

            if (row is null || row.Count >= cellsPerRow)
            {
                break;
            }

            row.Add(i);
        }

        return rows.Count >= 2 ? rows : [];
    }

    private static List<List<int>> GroupedRows(List<ReportLine> lines, int from, int width)
    {
        var rows = new List<List<int>>();
        var row = new List<int>();
        for (var i = from; i < lines.Count; i++)
        {
            if (lines[i].Kind == LineKind.Blank)
            {
                continue;
            }

            if (lines[i].Kind is LineKind.End or LineKind.Skip && row.Count == 0)
            {
                break;
            }

            row.Add(i);
            if (row.Count == width)
            {
                rows.Add(row);
                row = [];
            }
        }

        return rows.Count >= 2 ? rows : [];
    }
}
