using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Benchmarks;

/// <summary>
/// Parsing bulletin-021 (issue #2: at least 20 MB/s of text on one core, allocating under 10× the
/// input), and a long narrative report as units mail them. The MB/s column divides each input's
/// UTF-8 size by the mean time; "Alloc/input" divides the allocated bytes by the same size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ParserBenchmarks
{
    private string text = string.Empty;
    private string narrative = string.Empty;
    private string large = string.Empty;
    private ReportParser parser = null!;
    private ReportParser bareParser = null!;

    // Columns are computed in the host process, benchmarks in a child: both build the inputs.
    private static readonly Lazy<int> BulletinBytes = new(() => Encoding.UTF8.GetByteCount(ReadBulletin()));
    private static readonly Lazy<int> NarrativeBytes = new(() => Encoding.UTF8.GetByteCount(Narrative()));
    private static readonly Lazy<int> LargeBytes = new(() => Encoding.UTF8.GetByteCount(Large()));

    private static int InputBytes(BenchmarkCase benchmarkCase) => benchmarkCase.Descriptor.WorkloadMethod.Name switch
    {
        nameof(ParseNarrative) => NarrativeBytes.Value,
        nameof(ParseLarge) => LargeBytes.Value,
        _ => BulletinBytes.Value,
    };

    private static string ReadBulletin() =>
        File.ReadAllText(Path.Combine(FindRepositoryRoot(), "tests", "fixtures", "bulletin-021.txt"));

    [GlobalSetup]
    public void Setup()
    {
        var root = FindRepositoryRoot();
        text = ReadBulletin();
        parser = new ReportParser(UnitRegistry.Load(Path.Combine(root, "config", "units.json")));
        narrative = Narrative();
        large = Large();
        bareParser = new ReportParser();
    }

    [Benchmark(Baseline = true, Description = "bulletin-021, with the unit registry")]
    public ParsedReport ParseBulletin() => parser.Parse(text, new Period(2016, 6));

    [Benchmark(Description = "a 17 KB narrative report, 20 activities")]
    public ParsedReport ParseNarrative() => parser.Parse(narrative, new Period(2016, 6), "保定市");

    // The 4 MB report: does the parse keep its pace on one long input (linear time)?
    [Benchmark(Description = "bulletin-021 320 times over, one 4 MB report")]
    public ParsedReport ParseLarge() => parser.Parse(large, new Period(2016, 6));

    [Benchmark(Description = "bulletin-021, no registry")]
    public ParsedReport ParseBulletinWithoutRegistry() => bareParser.Parse(text, new Period(2016, 6));

    private static string Large() => string.Concat(Enumerable.Repeat(ReadBulletin(), 320));

    // As units write long reports: a paragraph of dated activities, then narrative that yields nothing.
    private static string Narrative()
    {
        var random = new Random(2016);
        string[] activities = ["召开学会理事会", "举办科技成果对接会", "组织专家赴企业开展技术服务", "邀请院士作学术报告", "开展科普进社区活动"];
        var report = new StringBuilder("各位领导:\n\n");
        report.AppendJoin(';', Enumerable.Range(0, 20).Select(_ => $"6月{random.Next(1, 31)}日,{activities[random.Next(activities.Length)]},参加人员{random.Next(20, 300)}人次"));
        report.Append("。\n\n");
        while (Encoding.UTF8.GetByteCount(report.ToString()) < 17_000)
        {
            report.Append("今年以来,我会认真贯彻落实中国科协九大精神,紧紧围绕创新驱动发展战略,坚持服务科技工作者、服务创新驱动发展、服务全民科学素质提高、服务党和政府科学决策的职责定位,扎实推进各项工作,取得了明显成效。\n\n");
        }

        return report.Append("此致\n敬礼!\n办公室\n").ToString();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BulletinMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("BulletinMail.sln not found above the benchmark");
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(new PerInputColumn("Throughput", "MB/s", "UTF-8 megabytes of report text parsed per second", 0, (summary, benchmarkCase) =>
                summary[benchmarkCase]?.ResultStatistics?.Mean is > 0 and var mean ? $"{InputBytes(benchmarkCase) / (mean / 1e9) / 1e6:0.0}" : "-"));
            AddColumn(new PerInputColumn("AllocationRatio", "Alloc/input", "bytes allocated per parse divided by the input's UTF-8 size", 1, (summary, benchmarkCase) =>
                summary[benchmarkCase]?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase) is > 0 and var allocated ? $"{(double)allocated / InputBytes(benchmarkCase):0.0}x" : "-"));
        }
    }

    /// <summary>A figure of each benchmark relative to the size of its input.</summary>
    private sealed class PerInputColumn(string id, string name, string legend, int priority, Func<Summary, BenchmarkCase, string> value) : IColumn
    {
        public string Id => id;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => priority;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => value(summary, benchmarkCase);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => value(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
