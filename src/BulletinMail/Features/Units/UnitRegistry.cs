using System.Text.Json;
using System.Text.Json.Serialization;
using BulletinMail.Features.Parsing;

namespace BulletinMail.Features.Units;

/// <summary>
/// The reporting units and the bulletin's sections, in order. Names are matched folded
/// (traditional as simplified, full-width as ASCII) and without white space.
/// </summary>
public sealed class UnitRegistry : IKnownUnits
{
    // A unit often signs with its organisation's suffix: 保定市科协 is 保定市.
    private static readonly string[] OrganisationSuffixes = ["科学技术协会", "科协"];

    private readonly Dictionary<string, UnitDefinition> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UnitDefinition> bySender = new(StringComparer.OrdinalIgnoreCase);

    public UnitRegistry(IEnumerable<string> sections, IEnumerable<UnitDefinition> units)
    {
        Sections = [.. sections];
        Units = [.. units];
        foreach (var unit in Units)
        {
            byName.TryAdd(Key(unit.Name), unit);
            foreach (var alias in unit.Aliases)
            {
                byName.TryAdd(Key(alias), unit);
            }

            foreach (var sender in unit.Senders)
            {
                bySender.TryAdd(sender.Trim(), unit);
            }
        }
    }

    public static UnitRegistry Empty { get; } = new([], []);

    /// <summary>The bulletin's sections in print order.</summary>
    public IReadOnlyList<string> Sections { get; }

    public IReadOnlyList<UnitDefinition> Units { get; }

    /// <summary>The units as the bulletin prints them: by section in print order, then by order within it; units without a section last.</summary>
    public IEnumerable<UnitDefinition> InBulletinOrder()
    {
        var sectionIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Sections.Count; i++)
        {
            sectionIndex.TryAdd(Sections[i], i);
        }

        return Units.OrderBy(u => u.Section is { } s && sectionIndex.TryGetValue(s, out var i) ? i : int.MaxValue).ThenBy(u => u.Order);
    }

    /// <summary>The unit a name (or alias, or name with 科协 appended) stands for.</summary>
    public UnitDefinition? FindByName(ReadOnlySpan<char> name)
    {
        if (byName.Count == 0)
        {
            return null;
        }

        var key = Key(name);
        if (byName.TryGetValue(key, out var unit))
        {
            return unit;
        }

        foreach (var suffix in OrganisationSuffixes)
        {
            if (key.Length > suffix.Length && key.EndsWith(suffix, StringComparison.Ordinal)
                && byName.TryGetValue(key[..^suffix.Length], out unit))
            {
                return unit;
            }
        }

        return null;
    }

    bool IKnownUnits.IsEmpty => Units.Count == 0;

    string? IKnownUnits.NameOf(ReadOnlySpan<char> nameOrAlias) => FindByName(nameOrAlias)?.Name;

    string? IKnownUnits.NameIn(string text) => FindInText(text)?.Name;

    /// <summary>The unit that mails from this address, if registered.</summary>
    public UnitDefinition? FindBySender(string? address) =>
        address is not null && bySender.TryGetValue(address.Trim(), out var unit) ? unit : null;

    /// <summary>The unit whose longest name or alias the text contains (a subject line, a title).</summary>
    public UnitDefinition? FindInText(string text)
    {
        var key = Key(text);
        UnitDefinition? best = null;
        var bestLength = 0;
        foreach (var (name, unit) in byName)
        {
            if (name.Length > bestLength && key.Contains(name, StringComparison.Ordinal))
            {
                best = unit;
                bestLength = name.Length;
            }
        }

        return best;
    }

    private static string Key(ReadOnlySpan<char> name)
    {
        Span<char> buffer = name.Length <= 128 ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (!TextFold.IsSpace(c))
            {
                buffer[length++] = TextFold.Fold(c);
            }
        }

        return new string(buffer[..length]);
    }

    /// <summary>Reads <c>config/units.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid unit registry.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <remarks>Read once at start-up, like the rest of configuration, hence synchronous.</remarks>
    public static UnitRegistry Load(string path)
    {
        using var stream = File.OpenRead(path);
        UnitsFile? file;
        try
        {
            file = JsonSerializer.Deserialize(stream, UnitsJsonContext.Default.UnitsFile);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid unit registry: {ex.Message}", ex);
        }

        if (file?.Units is null)
        {
            throw new InvalidDataException($"{path} has no \"units\" list");
        }

        var units = file.Units.Select((u, i) => u.Name is { Length: > 0 } name
            ? new UnitDefinition(name, u.Aliases ?? [], u.Section, u.Order ?? i + 1, u.Senders ?? [])
            : throw new InvalidDataException($"{path}: unit {i + 1} has no name"));
        return new UnitRegistry(file.Sections ?? [], units);
    }

    internal sealed record UnitsFile(IReadOnlyList<string>? Sections, IReadOnlyList<UnitEntry>? Units);

    internal sealed record UnitEntry(string? Name, IReadOnlyList<string>? Aliases, string? Section, int? Order, IReadOnlyList<string>? Senders);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(UnitRegistry.UnitsFile))]
internal sealed partial class UnitsJsonContext : JsonSerializerContext;
