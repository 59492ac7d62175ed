using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;

namespace BulletinMail.Cli;

public sealed record SubmissionJson(
    long Id, string? MessageId, string? From, string? Subject, DateTimeOffset ReceivedAt, string Status, string? Reason,
    string? Unit, string? Period, long EntryCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AttachmentJson>? Attachments = null);

public sealed record AttachmentJson(string Name, string ContentType, long Size, string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);

public sealed record StoredEntryJson(
    long Id, string Period, string Status, long Submission, string? Unit, string? Section, DateOutput Date, string Text,
    double Confidence, IReadOnlyList<string> Warnings, bool Headline);

public sealed record UnitJson(string Name, string? Section, int Order, IReadOnlyList<string> Aliases, IReadOnlyList<string> Senders);

/// <param name="MailSent">Queued mail (acknowledgements, confirmations) sent after the poll.</param>
/// <param name="MailWaiting">Queued mail still waiting for the relay, and why (<paramref name="MailError"/>).</param>
public sealed record IngestJson(string Mailbox, int Waiting, int Recorded, int Processed, int Duplicates, int Quarantined, int Recovered, int MailSent, long MailWaiting, string? MailError);

/// <summary>The JSON the commands print: camelCase, Chinese unescaped, indented.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<SubmissionJson>))]
[JsonSerializable(typeof(SubmissionJson))]
[JsonSerializable(typeof(IReadOnlyList<StoredEntryJson>))]
[JsonSerializable(typeof(IReadOnlyList<UnitJson>))]
[JsonSerializable(typeof(IngestJson))]
[JsonSerializable(typeof(DigestStatusJson))]
[JsonSerializable(typeof(IReadOnlyList<SubscriberJson>))]
[JsonSerializable(typeof(IReadOnlyList<ExtractedAttachment>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    public static CliJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

internal static class CliOutput
{
    /// <summary>Writes <paramref name="value"/> as UTF-8 JSON, alone, on stdout.</summary>
    public static async Task WriteJsonAsync<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        await JsonSerializer.SerializeAsync(stdout, value, typeInfo, cancellationToken);
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }

    /// <summary>Writes text as UTF-8 on stdout, whatever the console's encoding.</summary>
    public static async Task WriteTextAsync(string text, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    public static IReadOnlyList<T> FromJson<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<T>> typeInfo) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, typeInfo) ?? [];
}
