using System.Text.Json.Serialization;
using BulletinMail.Features.Extraction;

namespace BulletinMail.Features.Intake;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<ExtractedAttachment>))]
[JsonSerializable(typeof(List<EntryJson>))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;

/// <summary>One parsed entry on its way into the entries table (see SubmissionStore.InsertEntriesAsync).</summary>
internal sealed record EntryJson(
    int Seq, string? Unit, string? Section, string? Start, string? End, string Precision, string? DateText, string Text, double Confidence, IReadOnlyList<string> Warnings, int Inherited);
