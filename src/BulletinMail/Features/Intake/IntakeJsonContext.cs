using System.Text.Json.Serialization;
using BulletinMail.Features.Extraction;

namespace BulletinMail.Features.Intake;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<ExtractedAttachment>))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
