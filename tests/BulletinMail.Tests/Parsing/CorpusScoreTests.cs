using System.Globalization;
using System.Text;

namespace BulletinMail.Tests.Parsing;

/// <summary>
/// The labeled corpus (tests/fixtures/corpus, and the variants in TestData/corpus) parsed and scored as
/// tests/fixtures/score.py scores it (<see cref="FixtureScorer"/>): each report must reach F1 0.9, the
/// fixtures' corpus pooled 0.97. Not an exact comparison: the scorer's bar, with its rules on texts, dates and units.
/// </summary>
public sealed class CorpusScoreTests
{
    private const double FileF1 = 0.9;
    private const double PooledF1 = 0.97;

    private static string FixtureCorpus => Path.Combine(TestPaths.Fixtures, "corpus");

    public static TheoryData<string, string> Reports() => LabeledReports.In(FixtureCorpus, TestPaths.Data("corpus"));

    [Theory]
    [MemberData(nameof(Reports))]
    public void Parse_ReachesF1_ForCorpusReport(string folder, string name)
    {
        var score = Score(folder, name);

        Assert.True(
            score.Counts.F1 >= FileF1,
            $"{folder}/{name}: F1 {score.Counts.F1:F3}, below {FileF1}: {score.Counts}\n{score.Unmatched()}");
    }

    [Fact]
    public void Parse_ReachesPooledF1_OverTheFixtureCorpus()
    {
        var table = new StringBuilder();
        var total = FixtureCounts.Zero;
        foreach (var row in LabeledReports.In(FixtureCorpus))
        {
            var (folder, name) = ((string)row[0], (string)row[1]);
            var counts = Score(folder, name).Counts;
            total += counts;
            table.Append(CultureInfo.InvariantCulture, $"{name}  {counts}\n");
        }

        Assert.True(total.Expected > 0, "no labeled reports in tests/fixtures/corpus");
        Assert.True(total.F1 >= PooledF1, $"pooled F1 {total.F1:F3} over tests/fixtures/corpus, below {PooledF1}: {total}\n{table}");
    }

    private static FixtureScore Score(string folder, string name)
    {
        var (expected, actual) = LabeledReports.Parse(folder, name);
        return FixtureScorer.Score(expected, LabeledReports.ToJson(actual));
    }
}
