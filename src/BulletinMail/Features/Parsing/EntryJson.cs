using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulletinMail.Features.Parsing;

/// <summary>The JSON of <c>parse --format json</c> (DESIGN.md, parser output).</summary>
public sealed record ParseOutput(string Period, IReadOnlyList<EntryOutput> Entries)
{
    public static ParseOutput From(ParsedReport result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ParseOutput(result.Period.ToString(), [.. result.Entries.Select(EntryOutput.From)]);
    }
}

public sealed record EntryOutput(string? Unit, string? Section, DateOutput Date, string Text, double Confidence, IReadOnlyList<string> Warnings)
{
    public static EntryOutput From(ParsedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var date = entry.Date;
        var precision = date.Precision.ToString().ToLowerInvariant();
        return new EntryOutput(entry.Unit, entry.Section, new DateOutput(date.Start, date.End, precision, date.Text), entry.Text, entry.Confidence, entry.Warnings);
    }
}

public sealed record DateOutput(DateOnly? Start, DateOnly? End, string Precision, string? Text);

/// <summary>Chinese stays readable in the output: only what JSON requires is escaped.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ParseOutput))]
internal sealed partial class EntryJsonContext : JsonSerializerContext
{
    public static EntryJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
