using System.Globalization;
using System.Text;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;

namespace BulletinMail.Features.Bulletins;

/// <summary>One activity as the bulletin prints it: its date (null when it inherits the one before) and text.</summary>
public sealed record BulletinClause(string? Date, string Text)
{
    /// <summary>The date as the report wrote it; for an edited date without words, written the house way (6月5-7日).</summary>
    public static BulletinClause From(StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var date = entry.Inherited ? null : entry.DateText ?? Written(entry);
        return new BulletinClause(date, entry.Text.Trim().TrimEnd('。', ';', ';', '.', ' '));
    }

    /// <summary>
    /// A unit's entry lifted into the headlines (本期要闻): out of its paragraph it keeps its own
    /// date (even one it took from the clause before) and names the unit that did it, as issue
    /// 21's headlines name their actor: <c>6月18日,浙江省与德清县政府签署…</c>.
    /// </summary>
    public static BulletinClause Headline(StoredEntry entry, string unit)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(unit);
        var clause = From(entry with { Inherited = false });
        return unit.Length == 0 || clause.Text.Contains(unit, StringComparison.Ordinal) ? clause : clause with { Text = unit + clause.Text };
    }

    /// <summary>House style: <c>DATE,TEXT</c>, or the text alone.</summary>
    public override string ToString() => Date is null ? Text : $"{Date},{Text}";

    private static string? Written(StoredEntry entry) => (entry.DateStart, entry.DateEnd) switch
    {
        ({ } start, { } end) when start == end => Day(start),
        ({ } start, { } end) when start.Month == end.Month => string.Create(CultureInfo.InvariantCulture, $"{start.Month}月{start.Day}-{end.Day}日"),
        ({ } start, { } end) => $"{Day(start)}-{Day(end)}",
        _ => entry.DatePrecision == "approximate" ? "近日" : null,
    };

    private static string Day(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"{date.Month}月{date.Day}日");
}

/// <summary>A unit's paragraph: <c>UNIT:DATE,TEXT;DATE,TEXT。</c></summary>
public sealed record BulletinUnit(string Name, IReadOnlyList<BulletinClause> Clauses)
{
    public string Paragraph => (Name.Length > 0 ? $"{Name}:" : string.Empty) + string.Join(';', Clauses) + "。";
}

/// <summary>A numbered section of units (一、…).</summary>
public sealed record BulletinSection(string Heading, string Name, IReadOnlyList<BulletinUnit> Units);

/// <summary>A section an editor wrote: its Markdown as HTML for the HTML bulletin, and as plain text (no marks) for the text one.</summary>
public sealed record BulletinEditorial(string Heading, string Name, string Markdown, string Html);

/// <summary>The footer of every issue (from config).</summary>
public sealed record BulletinFooter(string SubmissionAddress, string? PostalAddress, string? Contact);

/// <summary>An issue as compiled, before rendering: everything the templates see.</summary>
public sealed record Bulletin(
    int Number,
    string Period,
    string Title,
    string Date,
    IReadOnlyList<BulletinClause> Headlines,
    IReadOnlyList<BulletinEditorial> Editorials,
    IReadOnlyList<BulletinSection> Sections,
    IReadOnlyList<string> MissingUnits,
    BulletinFooter Footer,
    int EntryCount)
{
    /// <summary>Stands in the rendered bodies where each subscriber's own unsubscribe link goes.</summary>
    public const string UnsubscribePlaceholder = "%%UNSUBSCRIBE_URL%%";

    public string UnsubscribeUrl => UnsubscribePlaceholder;

    public string Subject => string.Create(CultureInfo.InvariantCulture, $"{Title} 第{Number}期({Period[..4]}年{int.Parse(Period[5..], CultureInfo.InvariantCulture)}月)");

    /// <summary>一、二、… for the n-th numbered section (1-based).</summary>
    public static string Ordinal(int n)
    {
        const string digits = "零一二三四五六七八九";
        var text = new StringBuilder();
        if (n >= 10)
        {
            if (n >= 20)
            {
                text.Append(digits[n / 10]);
            }

            text.Append('十');
            n %= 10;
            if (n == 0)
            {
                return text.Append('、').ToString();
            }
        }

        return text.Append(digits[n]).Append('、').ToString();
    }
}
