using ArchUnitNET.Loader;
using BulletinMail.Features.Parsing;

namespace BulletinMail.Tests.Architecture;

/// <summary>
/// The direction of dependencies (README, "Map of the code"): Cli and Web → Hosting → Features →
/// Data, Mail, Platform. Each test names the arrow it forbids; a failure lists the types that drew it.
/// </summary>
public sealed class LayerTests
{
    private const string Root = "BulletinMail";

    /// <summary>The features and the features each may use; the README's map says the same.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> FeatureUses = new Dictionary<string, string[]>
    {
        ["Parsing"] = [],
        ["Audit"] = [],
        ["Extraction"] = ["Parsing"],
        ["Units"] = ["Parsing", "Audit"],
        ["Accounts"] = ["Audit"],
        ["Review"] = ["Parsing", "Units", "Audit"],
        ["Subscribers"] = ["Extraction", "Audit"],
        ["Bulletins"] = ["Parsing", "Units", "Review", "Subscribers", "Audit"],
        ["Intake"] = ["Parsing", "Extraction", "Units", "Review", "Subscribers", "Bulletins", "Audit"],
    };

    // ArchUnitNET reads the compiled code, lambdas and async methods included, and gives each type's dependencies.
    private static readonly Lazy<ILookup<string, (string Type, string Target)>> DependenciesByNamespace = new(() =>
        new ArchLoader().LoadAssemblies(typeof(ReportParser).Assembly).Build().Types
            .Where(t => t.Namespace.FullName.StartsWith($"{Root}.", StringComparison.Ordinal))
            .SelectMany(t => t.Dependencies.Select(d => (Namespace: t.Namespace.FullName, Type: t.FullName, Target: d.Target.FullName)))
            .ToLookup(d => d.Namespace, d => (d.Type, d.Target)));

    [Fact]
    public void TheParser_ReferencesNoStorageMailConfigurationOrIo() =>
        AssertNoDependency($"{Root}.Features.Parsing",
            $"{Root}.Data", $"{Root}.Mail", $"{Root}.Platform", "Dapper", "Microsoft.Data", "System.Data", "Hangfire",
            "MimeKit", "MailKit", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.Options",
            "System.IO.File", "System.IO.Directory", "System.IO.Stream", "System.Net");

    [Fact]
    public void NoFeature_ReferencesAnEntryPointOrTheComposition() =>
        AssertNoDependency($"{Root}.Features", $"{Root}.Cli", $"{Root}.Web", $"{Root}.Hosting");

    [Theory]
    [InlineData("Data", new[] { "Platform" })]
    [InlineData("Mail", new[] { "Data", "Platform" })]
    [InlineData("Platform", new string[0])]
    public void TheInfrastructure_ReferencesNoFeature_AndOnlyTheInfrastructureBelowIt(string layer, string[] below) =>
        AssertNoDependency($"{Root}.{layer}", [$"{Root}.Features", $"{Root}.Hosting", $"{Root}.Cli", $"{Root}.Web",
            .. new[] { "Data", "Mail", "Platform" }.Except(below.Append(layer)).Select(n => $"{Root}.{n}")]);

    [Fact]
    public void TheComposition_ReferencesNoEntryPoint_AndTheWebNotTheCommandLine()
    {
        AssertNoDependency($"{Root}.Hosting", $"{Root}.Cli", $"{Root}.Web");
        AssertNoDependency($"{Root}.Web", $"{Root}.Cli");
    }

    [Fact]
    public void EachFeature_UsesOnlyTheFeaturesTheMapAllows()
    {
        var features = typeof(ReportParser).Assembly.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith($"{Root}.Features.", StringComparison.Ordinal))
            .Select(n => n.Split('.')[2]).Distinct().Order().ToList();
        Assert.Equal(FeatureUses.Keys.Order(), features); // a new feature gets its line in the map

        var wrong = new List<string>();
        foreach (var (feature, uses) in FeatureUses)
        {
            var others = FeatureUses.Keys.Where(f => f != feature && !uses.Contains(f)).Select(f => $"{Root}.Features.{f}").ToArray();
            if (Offending($"{Root}.Features.{feature}", others) is { Count: > 0 } offending)
            {
                wrong.Add($"{feature} may use only [{string.Join(", ", uses)}], but: {string.Join("; ", offending)}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void TheMapOfFeatures_HasNoCycle()
    {
        // Depth-first: a feature met again while its own uses are being walked closes a cycle.
        var state = new Dictionary<string, bool>(); // false: being walked, true: done
        void Walk(string feature, List<string> path)
        {
            if (state.TryGetValue(feature, out var done))
            {
                Assert.True(done, $"cycle: {string.Join(" → ", path.Append(feature))}");
                return;
            }

            state[feature] = false;
            foreach (var used in FeatureUses[feature])
            {
                Walk(used, [.. path, feature]);
            }

            state[feature] = true;
        }

        foreach (var feature in FeatureUses.Keys)
        {
            Walk(feature, []);
        }
    }

    private static void AssertNoDependency(string layer, params string[] forbidden)
    {
        var offending = Offending(layer, forbidden);
        Assert.True(offending.Count == 0, $"{layer} must not use {string.Join(", ", forbidden)}, but: {string.Join("; ", offending)}");
    }

    // "type → target" for each dependency of a type in the namespace (or below it) on a target in a forbidden one.
    private static List<string> Offending(string layer, string[] forbiddenPrefixes) =>
        [.. DependenciesByNamespace.Value
            .Where(g => g.Key == layer || g.Key.StartsWith(layer + ".", StringComparison.Ordinal))
            .SelectMany(g => g)
            .Where(d => forbiddenPrefixes.Any(f => d.Target.StartsWith(f, StringComparison.Ordinal)))
            .Select(d => $"{d.Type} → {d.Target}")
            .Distinct()
            .Take(20)];
}
