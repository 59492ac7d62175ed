using System.Text.Json;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;

namespace BulletinMail.Web;

/// <summary>
/// An audit row as a sentence an editor reads, in the page's language: "ed 将订阅者 a@b.cn 设为 有效",
/// "ed 修改了 条目 #45 (宁波市, 6月15日): 内容 …". The log itself keeps its keys and JSON (the command
/// line and the database show them as they are).
/// </summary>
public static class AuditSentences
{
    /// <summary>What a page knows of the rows' subjects: entries by id (unit, date), subscribers' addresses by id.</summary>
    public sealed record Subjects(IReadOnlyDictionary<long, StoredEntry> Entries, IReadOnlyDictionary<long, string> Subscribers)
    {
        public static Subjects None { get; } = new(new Dictionary<long, StoredEntry>(), new Dictionary<long, string>());
    }

    // An action's sentence, in English (the glossary's key): {0} who, {1} the subject, {2} the new value or the change.
    private static readonly Dictionary<string, string> Actions = new(StringComparer.Ordinal)
    {
        ["entry.approved"] = "{0} approved {1}",
        ["entry.rejected"] = "{0} rejected {1}",
        ["entry.pending"] = "{0} put {1} back to review",
        ["entry.undo"] = "{0} undid a bulk action on {1}: {2}",
        ["entry.edit"] = "{0} edited {1}: {2}",
        ["entry.headline"] = "{0} made {1} a headline",
        ["entry.unheadline"] = "{0} took {1} out of the headlines",
        ["entry.move-up"] = "{0} moved {1} up",
        ["entry.move-down"] = "{0} moved {1} down",
        ["issue.correction-opened"] = "{0} opened a correction of {1}: {2}",
        ["issue.correction-closed"] = "{0} ended the correction of {1}",
        ["issue.revised"] = "{0} put the corrected {1} in the archive: {2} entries",
        ["issue.editorials"] = "{0} saved the editors' sections of {2}",
        ["issue.compile"] = "{0} compiled {1}",
        ["issue.approval-withdrawn"] = "The approval of {1} was withdrawn: its content changed when {0} compiled it again",
        ["issue.resumed"] = "{0} resumed sending {1}",
        ["unit.edit"] = "{0} edited the unit {2}",
        ["unit.remind"] = "{0} sent {2} a reminder",
        ["user.add"] = "{0} added the user {2}",
        ["user.password"] = "{0} set a new password for {1}",
        ["user.role"] = "{0} gave {1} the role {2}",
        ["subscriber.renamed"] = "{0} renamed {1} to {2}",
        ["submission.reparse"] = "{0} applied a re-parse to {1}",
    };

    public static string Describe(AuditRow row, Subjects? subjects = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        subjects ??= Subjects.None;
        var before = Read(row.Before);
        var after = Read(row.After);
        var subject = Subject(row, subjects);
        if (Actions.TryGetValue(row.Action, out var sentence))
        {
            var detail = row.Action switch
            {
                "entry.edit" => Changes(before, after),
                "entry.undo" => Word(after.GetValueOrDefault("Status")),
                "issue.correction-opened" => $"“{after.GetValueOrDefault("Note")}”",
                "issue.revised" => $"{before.GetValueOrDefault("EntryCount")} → {after.GetValueOrDefault("EntryCount")}",
                "user.role" => Word(after.GetValueOrDefault("role")),
                "user.add" => after.GetValueOrDefault("name") ?? string.Empty,
                _ => after.GetValueOrDefault("Name") ?? after.GetValueOrDefault("Unit") ?? after.GetValueOrDefault("Period") ?? string.Empty,
            };
            return Fill(sentence, row.Actor, subject, detail);
        }

        // Any other change of state: "WHO set SUBJECT to STATE".
        if ((after.GetValueOrDefault("Status") ?? after.GetValueOrDefault("State")) is { } state)
        {
            return Fill("{0} set {1} to {2}", row.Actor, subject, row.Entity == "subscriber" ? Texts.SubscriberStatus(state) : Word(state));
        }

        var values = string.Join(", ", after.Select(p => $"{Texts.T(p.Key)}: {p.Value}"));
        return $"{row.Actor}: {Texts.T(row.Action)} {subject}{(values.Length > 0 ? $" ({values})" : string.Empty)}";
    }

    private static string Subject(AuditRow row, Subjects subjects) => (row.Entity, row.EntityId) switch
    {
        ("entry", { } id) when subjects.Entries.TryGetValue(id, out var entry) =>
            $"{Texts.T("entry")} #{id} ({string.Join(", ", new[] { entry.Unit, DisplayFormat.EntryDate(entry) }.Where(p => !string.IsNullOrEmpty(p)))})",
        ("subscriber", { } id) when subjects.Subscribers.TryGetValue(id, out var email) => $"{Texts.T("subscriber")} {email}",
        (var entity, { } id) => $"{Texts.T(entity)} #{id}",
        (var entity, null) => Texts.T(entity),
    };

    // What an edit changed, field by field: 内容 “…” → “…”.
    private static string Changes(Dictionary<string, string?> before, Dictionary<string, string?> after)
    {
        var changed = after.Where(p => p.Key is "Date" or "Text" or "Unit" or "Section" && before.GetValueOrDefault(p.Key) != p.Value)
            .Select(p => $"{Texts.T(p.Key)} “{before.GetValueOrDefault(p.Key)}” → “{p.Value}”");
        var dates = after.GetValueOrDefault("Date") is null && (before.GetValueOrDefault("DateStart") != after.GetValueOrDefault("DateStart") || before.GetValueOrDefault("DateEnd") != after.GetValueOrDefault("DateEnd"))
            ? [$"{Texts.T("Date")} → {after.GetValueOrDefault("DateStart")} – {after.GetValueOrDefault("DateEnd")}"]
            : Array.Empty<string>();
        return string.Join("; ", changed.Concat(dates));
    }

    // The sentence in the page's language, its places filled in.
    private static string Fill(string sentence, string who, string subject, string detail) =>
        Texts.T(sentence).Replace("{0}", who, StringComparison.Ordinal).Replace("{1}", subject, StringComparison.Ordinal).Replace("{2}", detail, StringComparison.Ordinal);

    private static string Word(string? state) => state is null ? string.Empty : Texts.T(state);

    private static Dictionary<string, string?> Read(string? json)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return values;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return values;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Array => string.Join(", ", property.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
                    _ => property.Value.GetRawText(),
                };
            }
        }
        catch (JsonException)
        {
            values["?"] = json; // not ours to fail on: shown as it is
        }

        return values;
    }
}
