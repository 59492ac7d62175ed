using System.Text.Json.Serialization;
using BulletinMail.Features.Extraction;

namespace BulletinMail.Features.Intake;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<ExtractedAttachment>))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;

/// <summary>The health report as <c>/healthz</c> and <c>status</c> print it: indented, Chinese left readable.</summary>
[JsonSerializable(typeof(IntakeHealthReport))]
[JsonSerializable(typeof(IntakeHealthSummary))]
internal sealed partial class IntakeHealthJson : JsonSerializerContext
{
    public static IntakeHealthJson Readable { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
