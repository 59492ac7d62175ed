using System.Data.Common;
using System.Text.Json;
using BulletinMail.Data;
using Dapper;

namespace BulletinMail.Features.Audit;

/// <summary>One audit row: who changed what, when, before and after (JSON).</summary>
public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string Entity, long? EntityId, string? Before, string? After);

/// <summary>
/// The audit log: who changed what, when, before and after. Every store records its changes here,
/// in its own transaction; the web page reads it newest first.
/// </summary>
public sealed class AuditLog(DbConnectionFactory connections)
{
    /// <summary>Writes one audit row (who, when, what, before and after as JSON) in the caller's transaction.</summary>
    public static Task RecordAsync(
        DbConnection connection, DbTransaction transaction, string actor, string action, string entity, long? entityId,
        object? before, object? after, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES (@at, @actor, @action, @entity, @entityId, @before, @after)",
            new
            {
                at,
                actor,
                action,
                entity,
                entityId,
                before = before is null ? null : JsonSerializer.Serialize(before, AuditJson),
                after = after is null ? null : JsonSerializer.Serialize(after, AuditJson),
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    // Chinese stays readable in the audit log.
    private static readonly JsonSerializerOptions AuditJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<IReadOnlyList<AuditRow>> ListAsync(string? actor, string? entity, long? entityId, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            """
            SELECT id AS Id, at AS At, actor AS Actor, action AS Action, entity AS Entity, entity_id AS EntityId, before AS Before, after AS After
            FROM audit_log
            WHERE (@actor IS NULL OR actor = @actor) AND (@entity IS NULL OR entity = @entity)
              AND (@entityId IS NULL OR entity_id = @entityId) AND (@before IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit
            """,
            new { actor, entity, entityId, before, limit },
            cancellationToken: cancellationToken));
        return [.. rows];
    }
}
