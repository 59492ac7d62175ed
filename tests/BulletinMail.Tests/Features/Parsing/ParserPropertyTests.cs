using System.Diagnostics;
using System.Text;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Tests.Features.Parsing;

/// <summary>
/// The parser never throws and takes time in proportion to its input, whatever the input: generated
/// from the lines and markers of every labeled report, shuffled, truncated at every position, joined
/// into one line, and mixed with random Unicode. Seeded, so a failure repeats.
/// </summary>
public sealed class ParserPropertyTests
{
    private static readonly ReportParser Parser = new(UnitRegistry.Load(Path.Combine(TestPaths.RepositoryRoot, "config", "units.json")));
    private static readonly Period Period = new(2021, 6);

    private static readonly string[] Markers =
    [
        "一、", "(一)", "1、", "2,、", "(1)", "▲", "●", "- ", "【本期要闻】", "主题:", "Subject: ", ":", ";", "。", "\t", "\f", "\r\n",
        "6月5日、20日", "6月31日", "5月31-6月1日", "６月２日", "二〇二一年六月三十日", "6.18", "6.25-26", "17日上午", "上旬", "月底", "近日",
        "in February", "on the 14th", "Region 3 March 2009", "Sept 08", "(3項)", "區(qū)", "一是", "序号", "完成情况", "时间", "活动名称",
        "> ", "在 2021年6月30日 写道:", "---------- Forwarded message ---------", "------------------ 原始邮件 ------------------",
    ];

    private static List<string> CorpusLines()
    {
        var lines = new List<string>();
        foreach (var folder in new[] { Path.Combine(TestPaths.Fixtures, "corpus"), TestPaths.Data("corpus"), TestPaths.Data("reports") })
        {
            foreach (var file in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.txt") : [])
            {
                lines.AddRange(File.ReadAllLines(file));
            }
        }

        return lines;
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Parse_Returns_ForGeneratedReports(int seed)
    {
        var random = new Random(seed);
        var lines = CorpusLines();
        var text = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            var piece = random.Next(4) switch
            {
                0 => Markers[random.Next(Markers.Length)],
                1 => RandomUnicode(random, random.Next(1, 12)),
                _ => lines[random.Next(lines.Count)],
            };
            text.Append(piece).Append(random.Next(3) == 0 ? string.Empty : "\n");
        }

        var report = text.ToString();
        Parser.Parse(report, Period);
        Parser.Parse(report.Replace("\n", " ", StringComparison.Ordinal), Period); // every line break lost
        for (var cut = 0; cut < report.Length; cut += 1 + (report.Length / 200))
        {
            Parser.Parse(report[..cut], Period); // truncated anywhere
        }
    }

    [Fact]
    public void Parse_TakesLinearTime_InTheInputsLength()
    {
        var lines = CorpusLines();
        var random = new Random(7);
        string Report(int length)
        {
            var text = new StringBuilder();
            while (text.Length < length)
            {
                text.Append(lines[random.Next(lines.Count)]).Append(random.Next(4) == 0 ? " " : "\n");
            }

            return text.ToString();
        }

        AssertLinear(Report);

        // Long runs of lines the layout rules look past: skipped lines (contact details), and cells that
        // could head a table (地点) but never do.
        AssertLinear(length => "6月工作\n\n" + string.Concat(Enumerable.Repeat("电话:0571-88888888\n", length / 32))
            + string.Concat(Enumerable.Repeat("地点\n", length / 6)) + "6月5日,召开会议。\n");
    }

    // Not a benchmark: a quadratic reading shows as a ratio far above the length's (16×), not as milliseconds.
    private static void AssertLinear(Func<int, string> report)
    {
        var small = report(64 * 1024);
        var large = report(16 * 64 * 1024);
        Parser.Parse(small, Period);
        var smallTime = Time(() => Parser.Parse(small, Period));
        var largeTime = Time(() => Parser.Parse(large, Period));
        Assert.True(largeTime < Math.Max(smallTime, 5) * 16 * 4, $"16× the text took {largeTime / Math.Max(smallTime, 1):F0}× the time ({smallTime:F0} ms → {largeTime:F0} ms)");
    }

    private static double Time(Action action)
    {
        var best = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }

        return best;
    }

    private static string RandomUnicode(Random random, int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var c = (char)random.Next(1, 0xFFFF);
            text.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }

        return text.ToString();
    }
}
