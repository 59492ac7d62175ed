using System.Text.Json;
using BulletinMail.Features.Parsing;

namespace BulletinMail.Tests.Features.Parsing;

/// <summary>
/// Every NAME.txt with a NAME.expected.json beside it, in tests/fixtures (the bulletin, units/) and in TestData/reports,
/// parsed and compared entry by entry: stricter than the scorer (texts must be equal, not 90% alike).
/// </summary>
public sealed class ReportFixtureTests
{
    public static TheoryData<string, string> Fixtures() =>
        LabeledReports.In(TestPaths.Fixtures, Path.Combine(TestPaths.Fixtures, "units"), TestPaths.Data("reports"));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parse_MatchesExpectedEntries_ForFixture(string folder, string name)
    {
        var (expected, result) = LabeledReports.Parse(folder, name);
        var actual = result.Entries;

        var wanted = expected.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(wanted.Count, actual.Count);
        for (var i = 0; i < wanted.Count; i++)
        {
            AssertEntry(wanted[i], actual[i], i);
        }
    }

    private static void AssertEntry(JsonElement expected, ParsedEntry actual, int index)
    {
        var where = $"entry {index} ({actual.Text})";
        Assert.True(expected.GetProperty("text").GetString() == actual.Text, $"{where}: text is '{actual.Text}', expected '{expected.GetProperty("text").GetString()}'");
        if (expected.GetProperty("unit").GetString() is { } unit)
        {
            Assert.True(unit == actual.Unit, $"{where}: unit is '{actual.Unit}', expected '{unit}'");
        }

        Assert.True(expected.GetProperty("section").GetString() == actual.Section, $"{where}: section is '{actual.Section}'");
        var date = expected.GetProperty("date");
        var inherited = date.TryGetProperty("inherited", out var flag) && flag.GetBoolean();
        var precision = date.GetProperty("precision").GetString();
        var actualPrecision = actual.Date.Precision.ToString().ToLowerInvariant();
        var sameDate = precision == actualPrecision
            && date.GetProperty("start").GetString() == actual.Date.Start?.ToString("yyyy-MM-dd")
            && date.GetProperty("end").GetString() == actual.Date.End?.ToString("yyyy-MM-dd");
        var acceptedUndated = inherited && actual.Date.Precision == DatePrecision.Undated;
        Assert.True(sameDate || acceptedUndated, $"{where}: date is {actual.Date}, expected {date}");
    }
}
