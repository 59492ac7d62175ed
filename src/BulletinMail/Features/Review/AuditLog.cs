using BulletinMail.Data;
using Dapper;

namespace BulletinMail.Features.Review;

/// <summary>One audit row: who changed what, when, before and after (JSON).</summary>
public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string Entity, long? EntityId, string? Before, string? After);

/// <summary>Reads the audit log, newest first.</summary>
public sealed class AuditLog(DbConnectionFactory connections)
{
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
