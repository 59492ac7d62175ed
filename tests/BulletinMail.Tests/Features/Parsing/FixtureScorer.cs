using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BulletinMail.Tests.Features.Parsing;

/// <summary>
/// <c>tests/fixtures/score.py</c> in C#, same rules, same numbers: an expected and an actual entry pair up
/// when their units agree (white space removed; an expected null accepts any unit) and their texts are at
/// least 0.9 alike (difflib's ratio, without autojunk, as score.py asks); pairs are taken greedily,
/// date-agreeing ones first, then by falling similarity, each entry once; a pair is a match when the dates
/// agree too (start, end, precision; an expected <c>"inherited": true</c> date also accepts undated).
/// Works on the JSON, so the parser's output goes through <c>parse --format json</c>'s serializer first.
/// </summary>
internal static class FixtureScorer
{
    public const double Threshold = 0.9;

    private static readonly JsonElement Undated = JsonSerializer.SerializeToElement("undated");

    /// <summary>score.py's <c>load_entries</c>: the objects of <c>entries</c> (or of a bare array).</summary>
    public static IReadOnlyList<JsonElement> LoadEntries(JsonElement report)
    {
        var entries = report.ValueKind == JsonValueKind.Object && report.TryGetProperty("entries", out var property) ? property : report;
        return entries.ValueKind == JsonValueKind.Array
            ? [.. entries.EnumerateArray().Where(entry => entry.ValueKind == JsonValueKind.Object)]
            : [];
    }

    /// <summary>score.py's <c>similarity</c>: 1 for equal texts after trimming, 0 when one is empty, else difflib's ratio.</summary>
    public static double Similarity(string? a, string? b)
    {
        a = PythonStrip(a ?? "");
        b = PythonStrip(b ?? "");
        if (a == b)
        {
            return 1.0;
        }

        return a.Length == 0 || b.Length == 0 ? 0.0 : new SequenceMatcher(a, b, autoJunk: false).Ratio();
    }

    /// <summary>Pairs and counts for one file, as score.py's <c>match</c> and <c>counts</c>.</summary>
    public static FixtureScore Score(JsonElement expectedReport, JsonElement actualReport)
    {
        var expected = LoadEntries(expectedReport);
        var actual = LoadEntries(actualReport);
        var candidates = new List<(bool DateOk, double Similarity, int I, int J)>();
        for (var i = 0; i < expected.Count; i++)
        {
            for (var j = 0; j < actual.Count; j++)
            {
                if (!UnitOk(expected[i], actual[j]))
                {
                    continue;
                }

                var similarity = Similarity(Text(expected[i]), Text(actual[j]));
                if (similarity >= Threshold)
                {
                    candidates.Add((DateOk(expected[i], actual[j]), similarity, i, j));
                }
            }
        }

        var usedExpected = new HashSet<int>();
        var usedActual = new HashSet<int>();
        var pairs = new List<(int Expected, int Actual, bool DateOk)>();
        foreach (var (dateOk, _, i, j) in candidates.OrderBy(c => !c.DateOk).ThenByDescending(c => c.Similarity).ThenBy(c => c.I).ThenBy(c => c.J))
        {
            if (usedExpected.Contains(i) || usedActual.Contains(j))
            {
                continue;
            }

            usedExpected.Add(i);
            usedActual.Add(j);
            pairs.Add((i, j, dateOk));
        }

        return new FixtureScore(expected, actual, pairs);
    }

    /// <summary>An entry's date as a reader wants it: precision, start..end, and whether the label marks it inherited.</summary>
    public static string DateLabel(JsonElement entry)
    {
        if (!entry.TryGetProperty("date", out var date) || date.ValueKind != JsonValueKind.Object)
        {
            return "undated";
        }

        var (start, end, precision) = DateFields(date);
        var label = new StringBuilder(precision is { ValueKind: JsonValueKind.String } p ? p.GetString() : precision.ToString());
        if (start is { } s)
        {
            label.Append(' ').Append(s.ToString());
            if (end is { } e && !JsonElement.DeepEquals(s, e))
            {
                label.Append("..").Append(e.ToString());
            }
        }

        return IsTruthy(Get(date, "inherited")) ? label.Append(" (inherited)").ToString() : label.ToString();
    }

    /// <summary>score.py's <c>unit_ok</c>.</summary>
    private static bool UnitOk(JsonElement expected, JsonElement actual)
    {
        if (Get(expected, "unit") is not { } expectedUnit)
        {
            return true;
        }

        return Get(actual, "unit") is { } actualUnit && WithoutSpace(PythonStr(expectedUnit)) == WithoutSpace(PythonStr(actualUnit));
    }

    /// <summary>score.py's <c>date_ok</c>: <c>date_fields</c> equal, or an inherited expected date and an undated result.</summary>
    private static bool DateOk(JsonElement expected, JsonElement actual)
    {
        var expectedDate = Get(expected, "date");
        var e = DateFields(expectedDate);
        var a = DateFields(Get(actual, "date"));
        if (SameFields(e, a))
        {
            return true;
        }

        return expectedDate is { ValueKind: JsonValueKind.Object } date && IsTruthy(Get(date, "inherited"))
            && SameFields(a, (null, null, Undated));
    }

    /// <summary>score.py's <c>date_fields</c>: (start, end, precision), precision "undated" when it is missing or falsy.</summary>
    private static (JsonElement? Start, JsonElement? End, JsonElement Precision) DateFields(JsonElement? date)
    {
        if (date is not { ValueKind: JsonValueKind.Object } d)
        {
            return (null, null, Undated);
        }

        var precision = Get(d, "precision");
        return (Get(d, "start"), Get(d, "end"), IsTruthy(precision) ? precision!.Value : Undated);
    }

    private static bool SameFields((JsonElement? Start, JsonElement? End, JsonElement Precision) x, (JsonElement? Start, JsonElement? End, JsonElement Precision) y) =>
        SameValue(x.Start, y.Start) && SameValue(x.End, y.End) && JsonElement.DeepEquals(x.Precision, y.Precision);

    private static bool SameValue(JsonElement? x, JsonElement? y) =>
        x is { } a ? y is { } b && JsonElement.DeepEquals(a, b) : y is null;

    /// <summary>Python's <c>obj.get(name)</c>: null for a missing property and for JSON null alike.</summary>
    private static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonElement? Get(JsonElement? obj, string name) => obj is { } o ? Get(o, name) : null;

    private static string? Text(JsonElement entry) => Get(entry, "text") is { } text ? PythonStr(text) : null;

    private static string PythonStr(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>Python's truth of a JSON value: not null, false, 0, "", [] or {}.</summary>
    private static bool IsTruthy(JsonElement? value) => value switch
    {
        null => false,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.Number } n => n.GetDouble() != 0,
        { ValueKind: JsonValueKind.String } s => s.GetString()!.Length > 0,
        { ValueKind: JsonValueKind.Array } a => a.GetArrayLength() > 0,
        { ValueKind: JsonValueKind.Object } o => o.EnumerateObject().Any(),
        _ => true,
    };

    /// <summary>Python's <c>str.isspace</c> for one UTF-16 unit (every such character is in the BMP): .NET's white space and U+001C–U+001F.</summary>
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';

    private static string PythonStrip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    private static string WithoutSpace(string text) => string.Concat(text.Where(c => !IsPythonSpace(c)));
}

/// <summary>One file's score: its entries, the pairs score.py makes, and its counts.</summary>
internal sealed record FixtureScore(IReadOnlyList<JsonElement> Expected, IReadOnlyList<JsonElement> Actual, IReadOnlyList<(int Expected, int Actual, bool DateOk)> Pairs)
{
    public FixtureCounts Counts { get; } = new(Expected.Count, Actual.Count, Pairs.Count, Pairs.Count(pair => pair.DateOk));

    /// <summary>
    /// The entries that did not match, each with its date: expected ones found nowhere or found with
    /// another date (then the actual one's date beside it), and actual ones that match nothing.
    /// </summary>
    public string Unmatched()
    {
        var byExpected = Pairs.ToDictionary(pair => pair.Expected);
        var matchedActual = Pairs.Where(pair => pair.DateOk).Select(pair => pair.Actual).ToHashSet();
        var text = new StringBuilder();
        var missing = Enumerable.Range(0, Expected.Count).Where(i => !byExpected.TryGetValue(i, out var pair) || !pair.DateOk).ToList();
        text.Append(CultureInfo.InvariantCulture, $"unmatched expected ({missing.Count}):\n");
        foreach (var i in missing)
        {
            text.Append(CultureInfo.InvariantCulture, $"  #{i} {Describe(Expected[i])}");
            if (byExpected.TryGetValue(i, out var pair))
            {
                text.Append(CultureInfo.InvariantCulture, $"  <- actual #{pair.Actual} has its text, dated {FixtureScorer.DateLabel(Actual[pair.Actual])}");
            }

            text.Append('\n');
        }

        var extra = Enumerable.Range(0, Actual.Count).Where(j => !matchedActual.Contains(j)).ToList();
        text.Append(CultureInfo.InvariantCulture, $"unmatched actual ({extra.Count}):\n");
        foreach (var j in extra)
        {
            text.Append(CultureInfo.InvariantCulture, $"  #{j} {Describe(Actual[j])}\n");
        }

        return text.ToString();
    }

    private static string Describe(JsonElement entry)
    {
        var unit = entry.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : "-";
        var text = entry.TryGetProperty("text", out var t) ? t.ToString() : "";
        return $"[{FixtureScorer.DateLabel(entry)}] {unit} | {text}";
    }
}

/// <summary>score.py's counts and <c>figures</c>; counts add up, for the pooled total.</summary>
internal sealed record FixtureCounts(int Expected, int Actual, int Paired, int Matched)
{
    public static FixtureCounts Zero { get; } = new(0, 0, 0, 0);

    public double Precision => Actual > 0 ? (double)Matched / Actual : Expected == 0 ? 1.0 : 0.0;

    public double Recall => Expected > 0 ? (double)Matched / Expected : 1.0;

    public double F1 => Precision + Recall > 0 ? 2 * Precision * Recall / (Precision + Recall) : 0.0;

    public double DateAccuracy => Paired > 0 ? (double)Matched / Paired : 0.0;

    public static FixtureCounts operator +(FixtureCounts x, FixtureCounts y) =>
        new(x.Expected + y.Expected, x.Actual + y.Actual, x.Paired + y.Paired, x.Matched + y.Matched);

    /// <summary>score.py's line for a file: precision, recall, F1, date accuracy, then the counts.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"precision {Precision:F3}  recall {Recall:F3}  F1 {F1:F3}  date accuracy {DateAccuracy:F3}  (expected {Expected}, returned {Actual}, paired {Paired}, matched {Matched})");
}
