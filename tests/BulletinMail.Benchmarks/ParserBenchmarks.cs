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
/// input). The MB/s column divides the input's UTF-8 size by the mean time; "Alloc/input" divides
/// the allocated bytes by the same size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ParserBenchmarks
{
    private string text = string.Empty;
    private ReportParser parser = null!;
    private ReportParser bareParser = null!;

    // Columns are computed in the host process, benchmarks in a child: both read the file.
    private static readonly Lazy<int> InputSize = new(() => Encoding.UTF8.GetByteCount(ReadBulletin()));

    private static int InputBytes => InputSize.Value;

    private static string ReadBulletin() =>
        File.ReadAllText(Path.Combine(FindRepositoryRoot(), "..", "shared", "fixtures", "bulletin-021.txt"));

    [GlobalSetup]
    public void Setup()
    {
        var root = FindRepositoryRoot();
        text = ReadBulletin();
        parser = new ReportParser(UnitRegistry.Load(Path.Combine(root, "config", "units.json")));
        bareParser = new ReportParser();
    }

    [Benchmark(Baseline = true, Description = "bulletin-021, with the unit registry")]
    public ParsedReport ParseBulletin() => parser.Parse(text, new Period(2016, 6));

    [Benchmark(Description = "bulletin-021, no registry")]
    public ParsedReport ParseBulletinWithoutRegistry() => bareParser.Parse(text, new Period(2016, 6));

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
            AddColumn(new ThroughputColumn());
            AddColumn(new AllocationRatioColumn());
        }
    }

    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "Throughput";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "UTF-8 megabytes of report text parsed per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is > 0 ? $"{InputBytes / (mean.Value / 1e9) / 1e6:0.0}" : "-";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }

    private sealed class AllocationRatioColumn : IColumn
    {
        public string Id => "AllocationRatio";

        public string ColumnName => "Alloc/input";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 1;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "bytes allocated per parse divided by the input's UTF-8 size";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var allocated = summary[benchmarkCase]?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return allocated is > 0 ? $"{(double)allocated.Value / InputBytes:0.0}x" : "-";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
