using System.Data.Common;
using System.Text.Json;
using BulletinMail.Data;
using Dapper;

namespace BulletinMail.Features.Review;

/// <summary>An entry as stored, with its review status.</summary>
public sealed record StoredEntry
{
    public long Id { get; init; }

    public long SubmissionId { get; init; }

    public required string Period { get; init; }

    public string? Unit { get; init; }

    public string? Section { get; init; }

    public DateOnly? DateStart { get; init; }

    public DateOnly? DateEnd { get; init; }

    public required string DatePrecision { get; init; }

    public string? DateText { get; init; }

    public required string Text { get; init; }

    public double Confidence { get; init; }

    public string Warnings { get; init; } = "[]";

    public required string Status { get; init; }

    public bool Headline { get; init; }

    public long SortOrder { get; init; }
}

/// <summary>Entries and their review: every change is written to the audit log in the same transaction.</summary>
public sealed class EntryStore(DbConnectionFactory connections, TimeProvider time)
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    private const string Columns = """
        id AS Id, submission_id AS SubmissionId, period AS Period, unit AS Unit, section AS Section,
        date_start AS DateStart, date_end AS DateEnd, date_precision AS DatePrecision, date_text AS DateText,
        text AS Text, confidence AS Confidence, warnings AS Warnings, status AS Status, headline AS Headline, sort_order AS SortOrder
        """;

    public async Task<IReadOnlyList<StoredEntry>> ListAsync(string? period, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredEntry>(new CommandDefinition(
            $"SELECT {Columns} FROM entries WHERE (@period IS NULL OR period = @period) AND (@status IS NULL OR status = @status) ORDER BY period, submission_id, sort_order, id",
            new { period, status },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Sets the status of the given entries (or of every pending entry of a period), auditing each change.</summary>
    /// <returns>How many entries changed.</returns>
    public async Task<int> SetStatusAsync(IReadOnlyCollection<long> ids, string? period, string status, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var targets = ids.Count > 0
            ? await connection.QueryAsync<StoredEntry>(new CommandDefinition($"SELECT {Columns} FROM entries WHERE id IN @ids", new { ids }, transaction, cancellationToken: cancellationToken))
            : await connection.QueryAsync<StoredEntry>(new CommandDefinition($"SELECT {Columns} FROM entries WHERE period = @period AND status = 'pending'", new { period }, transaction, cancellationToken: cancellationToken));
        var changed = 0;
        var now = time.GetUtcNow();
        foreach (var entry in targets.Where(e => e.Status != status))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE entries SET status = @status, updated_at = @now WHERE id = @id", new { status, now, id = entry.Id }, transaction, cancellationToken: cancellationToken));
            await AuditAsync(connection, transaction, actor, $"entry.{status}", entry.Id, new { entry.Status }, new { Status = status }, now, cancellationToken);
            changed++;
        }

        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>Writes one audit row (who, when, what, before and after as JSON) in the caller's transaction.</summary>
    public static Task AuditAsync(
        DbConnection connection, DbTransaction transaction, string actor, string action, long entityId, object? before, object? after, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES (@at, @actor, @action, 'entry', @entityId, @before, @after)",
            new
            {
                at,
                actor,
                action,
                entityId,
                before = before is null ? null : JsonSerializer.Serialize(before),
                after = after is null ? null : JsonSerializer.Serialize(after),
            },
            transaction,
            cancellationToken: cancellationToken));
    }
}
