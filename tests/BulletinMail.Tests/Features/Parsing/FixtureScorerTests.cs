using System.Text.Json;

namespace BulletinMail.Tests.Features.Parsing;

/// <summary>
/// FixtureScorer against Python: the expected numbers were printed by python3's difflib and by
/// tests/fixtures/score.py on the same inputs.
/// </summary>
public sealed class FixtureScorerTests
{
    // A pair as score.py scores it (python3 tests/fixtures/score.py EXPECTED ACTUAL): trimmed text and a trailing 。
    // still 0.9 alike; an inherited date accepting undated; a null expected unit accepting 沧州市; a unit
    // with a space; a wrong approximate date; two 芜湖市 clauses where the date-agreeing pair (0.917 alike)
    // is taken before the identical text with no date; one extra actual entry.
    private const string Expected = """
        {
          "period": "2016-06",
          "entries": [
            { "unit": "保定市", "section": null, "date": { "start": "2016-06-15", "end": "2016-06-15", "precision": "day", "text": "6月15日" }, "text": "召开全市科协工作会议" },
            { "unit": "保定市", "section": null, "date": { "start": "2016-06-15", "end": "2016-06-15", "precision": "day", "text": null, "inherited": true }, "text": "部署下半年科普工作" },
            { "unit": null, "section": null, "date": { "start": "2016-06-05", "end": "2016-06-07", "precision": "range", "text": "6月5-7日" }, "text": "举办青少年科技创新大赛,共有120所学校参加" },
            { "unit": "苏州 市", "section": null, "date": { "start": null, "end": null, "precision": "approximate", "text": "近日" }, "text": "开展科技工作者日活动" },
            { "unit": "芜湖市", "section": null, "date": { "start": "2016-06-20", "end": "2016-06-20", "precision": "day", "text": "6月20日" }, "text": "组织院士专家工作站调研" },
            { "unit": "芜湖市", "section": null, "date": { "start": "2016-06-21", "end": "2016-06-21", "precision": "day", "text": "6月21日" }, "text": "组织院士专家工作站调研活动" }
          ]
        }
        """;

    private const string Actual = """
        {
          "period": "2016-06",
          "entries": [
            { "unit": "保定市", "section": null, "date": { "start": "2016-06-15", "end": "2016-06-15", "precision": "day", "text": "6月15日" }, "text": " 召开全市科协工作会议。" },
            { "unit": "保定市", "section": null, "date": { "start": null, "end": null, "precision": "undated", "text": null }, "text": "部署下半年科普工作" },
            { "unit": "沧州市", "section": null, "date": { "start": "2016-06-05", "end": "2016-06-07", "precision": "range", "text": "6月5-7日" }, "text": "举办青少年科技创新大赛,共有12所学校参加" },
            { "unit": "苏州市", "section": null, "date": { "start": "2016-06-01", "end": "2016-06-30", "precision": "approximate", "text": "近日" }, "text": "开展科技工作者日活动" },
            { "unit": "芜湖市", "section": null, "date": { "start": "2016-06-21", "end": "2016-06-21", "precision": "day", "text": "6月21日" }, "text": "组织院士专家工作站调研" },
            { "unit": "芜湖市", "section": null, "date": null, "text": "组织院士专家工作站调研活动" },
            { "unit": "芜湖市", "section": null, "date": { "precision": "day", "start": "2016-06-30", "end": "2016-06-30" }, "text": "表彰优秀科技工作者" }
          ]
        }
        """;

    public static TheoryData<string, string, double, double> Ratios() => new()
    {
        { "abcd", "bcde", 0.75, 0.75 },
        { "苏州市科协举办科普活动", "苏州市科协举办了科普讲座活动", 0.88, 0.88 },
        { "6月15日,召开全市科协工作会议", "召开全市科协工作会议", 0.7692307692307693, 0.7692307692307693 },
        { "private Thread currentThread;", "private volatile Thread currentThread;", 0.8656716417910447, 0.8656716417910447 },
        // Characters outside the BMP are one element each, as in a Python str.
        { "\U00020000\U00020001科协a", "\U00020001科协b", 0.6666666666666666, 0.6666666666666666 },
        // b has 200 elements or more: with autojunk, 科, 协 and 的 (over 1 + 227 // 100 times each) leave b's index.
        { Repeat("科协", 60) + "召开年会" + Repeat("的", 90) + "xyz", Repeat("的", 80) + "召开年会" + Repeat("科协", 70) + "abc", 0.018018018018018018, 0.5405405405405406 },
        // Only c stays in the index; each match on c is then extended over the popular a, b, d, e around it.
        { Repeat("abcde", 50), Repeat("abXde", 45) + Repeat("abcde", 3), 0.061224489795918366, 0.07755102040816327 },
    };

    [Theory]
    [MemberData(nameof(Ratios))]
    public void Ratio_EqualsPythonDifflib(string a, string b, double withAutoJunk, double withoutAutoJunk)
    {
        Assert.Equal(withAutoJunk, new SequenceMatcher(a, b).Ratio());
        Assert.Equal(withoutAutoJunk, new SequenceMatcher(a, b, autoJunk: false).Ratio());
    }

    [Fact]
    public void Similarity_TrimsPythonWhiteSpace_AndIsZeroForAnEmptyText()
    {
        Assert.Equal(1.0, FixtureScorer.Similarity("\u3000召开会议\u001f ", "召开会议"));
        Assert.Equal(0.0, FixtureScorer.Similarity(" ", "召开会议"));
        Assert.Equal(1.0, FixtureScorer.Similarity(null, ""));
    }

    [Fact]
    public void Score_EqualsScorePy_OnAHandMadePair()
    {
        using var expected = JsonDocument.Parse(Expected);
        using var actual = JsonDocument.Parse(Actual);

        var score = FixtureScorer.Score(expected.RootElement, actual.RootElement);

        // score.py: match() gives [(1, 1, True), (2, 2, True), (0, 0, True), (5, 4, True), (3, 3, False), (4, 5, False)];
        // precision 0.571, recall 0.667, date accuracy 0.667, expected 6, returned 7, paired 6, matched 4, F1 0.615.
        Assert.Equal([(1, 1, true), (2, 2, true), (0, 0, true), (5, 4, true), (3, 3, false), (4, 5, false)], score.Pairs);
        Assert.Equal(new FixtureCounts(6, 7, 6, 4), score.Counts);
        Assert.Equal("precision 0.571  recall 0.667  F1 0.615  date accuracy 0.667  (expected 6, returned 7, paired 6, matched 4)", score.Counts.ToString());
    }

    [Fact]
    public void Counts_FollowScorePy_WhenNothingIsExpectedOrReturned()
    {
        Assert.Equal(1.0, FixtureCounts.Zero.F1);
        Assert.Equal(0.0, new FixtureCounts(0, 2, 0, 0).F1);
        Assert.Equal(0.0, new FixtureCounts(3, 0, 0, 0).F1);
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));
}
