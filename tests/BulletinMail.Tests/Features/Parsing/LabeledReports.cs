using System.Text.Json;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Tests.Features.Parsing;

/// <summary>
/// Labeled reports (NAME.txt with NAME.expected.json beside it) and the one way the fixture tests parse
/// them: the registry of config/units.json, the bytes through TextDecoder, the period of the expected file.
/// </summary>
internal static class LabeledReports
{
    private const string ExpectedSuffix = ".expected.json";

    private static readonly ReportParser Parser = new(UnitRegistry.Load(Path.Combine(TestPaths.RepositoryRoot, "config", "units.json")));

    /// <summary>
    /// The labeled reports in these folders as (folder relative to the repository root, NAME), folder by
    /// folder, in ordinal order; a folder that does not exist has none. Two arguments, as xunit shortens
    /// each one it shows to 50 characters and the folders are long.
    /// </summary>
    public static TheoryData<string, string> In(params string[] folders)
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in folders.Where(Directory.Exists))
        {
            var relative = Path.GetRelativePath(TestPaths.RepositoryRoot, folder);
            foreach (var file in Directory.EnumerateFiles(folder, "*" + ExpectedSuffix).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file)[..^ExpectedSuffix.Length];
                if (File.Exists(Path.Combine(folder, name + ".txt")))
                {
                    data.Add(relative, name);
                }
            }
        }

        return data;
    }

    /// <summary>NAME.expected.json in the folder (relative to the repository root), and what the parser reads from NAME.txt.</summary>
    public static (JsonElement Expected, ParsedReport Actual) Parse(string folder, string name)
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, folder, name);
        using var expected = JsonDocument.Parse(File.ReadAllBytes(path + ExpectedSuffix));
        var period = Period.Parse(expected.RootElement.GetProperty("period").GetString()!);
        var text = TextDecoder.Decode(File.ReadAllBytes(path + ".txt")).Text;
        return (expected.RootElement.Clone(), Parser.Parse(text, period));
    }

    /// <summary>The report as <c>parse --format json</c> prints it.</summary>
    public static JsonElement ToJson(ParsedReport report) =>
        JsonSerializer.SerializeToElement(ParseOutput.From(report), EntryJsonContext.Readable.ParseOutput);
}
