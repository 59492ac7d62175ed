namespace BulletinMail.Features.Parsing;

internal enum LineKind
{
    /// <summary>Empty: ends a paragraph.</summary>
    Blank,

    /// <summary>Greeting, closing, contact details, mail headers of a forward: no entries.</summary>
    Skip,

    /// <summary>The report's title (苏州市科协6月工作情况): names the unit, yields no entries.</summary>
    Title,

    /// <summary>Quoted reply or signature begins: nothing after it is read.</summary>
    End,

    /// <summary>A section heading (三、…, (一)…, 4月份工作计划); the name is the heading without its ordinal.</summary>
    Heading,

    /// <summary>The headline list heading (【本期要闻】).</summary>
    HeadlineHeading,

    /// <summary>A unit's name on its own line ((一)琅琊区科协(6项), 保定市:); the lines after it are the unit's.</summary>
    UnitHeading,

    /// <summary><c>UNIT:clause;clause。</c>: the name and the body.</summary>
    UnitParagraph,

    /// <summary>A numbered or bulleted item; the body is after its marker (and its unit prefix, if any).</summary>
    Item,

    /// <summary>Any other line of text.</summary>
    Paragraph,

    /// <summary>More of the item or paragraph above it (a chronicle's entry over several lines).</summary>
    Continuation,

    /// <summary>A row of a table: the body is the cell the entry's text comes from, the name its date cell, if any.</summary>
    TableRow,
}

/// <summary>
/// One line of a report, as ranges into its text: the whole trimmed line, its body (what entries
/// are read from) and its name (a unit's or a heading's), if any.
/// </summary>
/// <param name="Level">The ordinal's rank for a numbered heading or item: 1 for 一、, 2 for (一), 3 for 1、; 0 for none.</param>
/// <param name="Flattened">The line was cut out of a longer one whose line breaks were lost.</param>
internal readonly record struct ReportLine(
    LineKind Kind, int Start, int End, int BodyStart = 0, int BodyEnd = 0, int NameStart = 0, int NameEnd = 0, int Level = 0, bool Flattened = false)
{
    public bool HasName => NameEnd > NameStart;

    public int Length => End - Start;
}
