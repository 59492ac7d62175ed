using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Parsing;
using Dapper;

namespace BulletinMail.Features.Bulletins;

/// <summary>A section an editor writes for an issue (an overview, a speech), in Markdown.</summary>
public sealed record Editorial(string Heading, string Markdown);

/// <summary>The editors' sections of each period, in order; saved as a whole (audited).</summary>
public sealed class EditorialStore(DbConnectionFactory connections, TimeProvider time)
{
    public async Task<IReadOnlyList<Editorial>> ListAsync(string period, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<Editorial>(new CommandDefinition(
            "SELECT heading AS Heading, markdown AS Markdown FROM editorials WHERE period = @period ORDER BY position, id", new { period }, cancellationToken: cancellationToken))];
    }

    /// <summary>Replaces the period's sections with these (blank ones dropped).</summary>
    public async Task SaveAsync(string period, IReadOnlyList<Editorial> editorials, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(editorials);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var kept = editorials.Where(e => !string.IsNullOrWhiteSpace(e.Heading) || !string.IsNullOrWhiteSpace(e.Markdown))
            .Select((e, i) => new { period, position = i + 1, heading = e.Heading.Trim(), markdown = e.Markdown.Trim(), now, actor }).ToList();
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM editorials WHERE period = @period", new { period }, transaction, cancellationToken: cancellationToken));
        if (kept.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO editorials (period, position, heading, markdown, updated_at, updated_by) VALUES (@period, @position, @heading, @markdown, @now, @actor)",
                kept,
                transaction,
                cancellationToken: cancellationToken));
        }

        await AuditLog.RecordAsync(connection, transaction, actor, "issue.editorials", "issue", null, null, new { Period = period, Sections = kept.Select(k => k.heading) }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
