using BulletinMail.Data;
using BulletinMail.Features.Audit;
using Dapper;

namespace BulletinMail.Features.Bulletins;

/// <summary>An editor's correction of a sent month: who opened it, when, and why; open until closed.</summary>
public sealed record ArchiveCorrection(long Id, string Period, string Actor, string Note, DateTimeOffset OpenedAt, long FirstAuditId, DateTimeOffset? ClosedAt, long? LastAuditId)
{
    public bool Open => ClosedAt is null;
}

/// <summary>Whether a period may be changed: not once its bulletin is sent, unless an editor opened a correction.</summary>
public sealed record PeriodLock(Issue? SentIssue, ArchiveCorrection? Correction)
{
    public bool Sent => SentIssue is not null;

    public bool Locked => Sent && Correction is null;
}

/// <summary>
/// Corrections of a month after its bulletin was sent (issue 12, item 11): the month refuses edits
/// until an editor opens a correction with a note; each is audited, and the changes made while it
/// was open are the audit log's rows between its first and last audit ids.
/// </summary>
public sealed class ArchiveCorrections(DbConnectionFactory connections, IssueStore issues, DigestWorkflow workflow, TimeProvider time)
{
    private const string Columns = """
        id AS Id, period AS Period, actor AS Actor, note AS Note, opened_at AS OpenedAt, first_audit_id AS FirstAuditId,
        closed_at AS ClosedAt, last_audit_id AS LastAuditId
        """;

    public async Task<PeriodLock> LockAsync(string period, CancellationToken cancellationToken)
    {
        var issue = await issues.GetAsync(period, cancellationToken);
        if (issue is not { State: IssueState.Sent or IssueState.Sending })
        {
            return new PeriodLock(null, null);
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        var open = await connection.QuerySingleOrDefaultAsync<ArchiveCorrection>(new CommandDefinition(
            $"SELECT {Columns} FROM archive_corrections WHERE period = @period AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
            new { period },
            cancellationToken: cancellationToken));
        return new PeriodLock(issue, open);
    }

    /// <summary>Opens a correction of a sent period, audited with its note; while one is open, another is not opened.</summary>
    public async Task OpenAsync(Issue issue, string actor, string note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var lastAudit = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(id), 0) FROM audit_log", transaction: transaction, cancellationToken: cancellationToken));
        var opened = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO archive_corrections (period, actor, note, opened_at, first_audit_id)
            SELECT @Period, @actor, @note, @now, @lastAudit WHERE NOT EXISTS (SELECT 1 FROM archive_corrections WHERE period = @Period AND closed_at IS NULL)
            """,
            new { issue.Period, actor, note, now, lastAudit },
            transaction,
            cancellationToken: cancellationToken));
        if (opened > 0)
        {
            await AuditLog.RecordAsync(connection, transaction, actor, "issue.correction-opened", "issue", issue.Id, null, new { Note = note }, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Closes the period's open correction: the month refuses edits again, and the sent issue is
    /// rendered anew from it, so the archive shows the bulletin as corrected (nothing is mailed).
    /// </summary>
    public async Task CloseAsync(Issue issue, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var lastAudit = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(id), 0) FROM audit_log", transaction: transaction, cancellationToken: cancellationToken));
        var closed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE archive_corrections SET closed_at = @now, last_audit_id = @lastAudit WHERE period = @Period AND closed_at IS NULL",
            new { issue.Period, now, lastAudit },
            transaction,
            cancellationToken: cancellationToken));
        if (closed > 0)
        {
            await AuditLog.RecordAsync(connection, transaction, actor, "issue.correction-closed", "issue", issue.Id, null, null, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        // Rendered once the month is closed again, so no edit can come between the render and the archive.
        // Should the render fail (a broken template), another correction, opened and ended, stores it.
        if (closed > 0)
        {
            await workflow.ReviseSentAsync(issue, actor, cancellationToken);
        }
    }

    /// <summary>The period's corrections, newest first, each with the changes to its entries and editors' sections made while it was open.</summary>
    public async Task<IReadOnlyList<(ArchiveCorrection Correction, IReadOnlyList<AuditRow> Changes)>> ListAsync(string period, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var corrections = await connection.QueryAsync<ArchiveCorrection>(new CommandDefinition(
            $"SELECT {Columns} FROM archive_corrections WHERE period = @period ORDER BY id DESC", new { period }, cancellationToken: cancellationToken));
        var list = new List<(ArchiveCorrection, IReadOnlyList<AuditRow>)>();
        foreach (var correction in corrections)
        {
            var changes = await connection.QueryAsync<AuditRow>(new CommandDefinition(
                $"""
                SELECT id AS Id, at AS At, actor AS Actor, action AS Action, entity AS Entity, entity_id AS EntityId, before AS Before, after AS After
                FROM audit_log
                WHERE id > @FirstAuditId AND (@LastAuditId IS NULL OR id <= @LastAuditId) AND action NOT LIKE 'issue.correction-%'
                  AND ((entity = 'entry' AND entity_id IN (SELECT id FROM entries WHERE period = @Period))
                    OR (action = 'issue.editorials' AND {connections.Dialect.JsonProperty("after", "Period")} = @Period))
                ORDER BY id
                """,
                correction,
                cancellationToken: cancellationToken));
            list.Add((correction, [.. changes]));
        }

        return list;
    }
}
