using System.Data.Common;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Parsing;
using Dapper;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Bulletins;

/// <summary>Issue states (DESIGN.md): a draft is approved, then sent; a sent issue is never mailed again, and changes only by a correction.</summary>
public static class IssueState
{
    public const string Draft = "draft";
    public const string Approved = "approved";
    public const string Sending = "sending";
    public const string Sent = "sent";
}

/// <summary>An issue of the bulletin as stored: its number, state and rendered bodies (with the unsubscribe placeholder).</summary>
public sealed record Issue
{
    public long Id { get; init; }

    public required string Period { get; init; }

    public int Number { get; init; }

    public required string State { get; init; }

    public required string Subject { get; init; }

    public required string TextBody { get; init; }

    public required string HtmlBody { get; init; }

    public int EntryCount { get; init; }

    public DateTimeOffset CompiledAt { get; init; }

    public required string CompiledBy { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    public string? ApprovedBy { get; init; }

    public DateTimeOffset? SendingAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    /// <summary>When the sent issue was last re-rendered after a correction of its month; null while it is as it was sent.</summary>
    public DateTimeOffset? CorrectedAt { get; init; }

    public bool Frozen => State is IssueState.Sending or IssueState.Sent;
}

/// <summary>Thrown when a change would alter an issue that is being sent or was sent.</summary>
public sealed class IssueFrozenException(string message) : InvalidOperationException(message);

/// <summary>
/// Issues, one per period. The state column gates every step, so a step run twice does nothing the
/// second time. A sent issue changes by one path only: <see cref="ReviseSentAsync"/>, after a correction.
/// </summary>
public sealed class IssueStore(DbConnectionFactory connections, IOptions<DigestOptions> options, TimeProvider time)
{
    private const string Columns = """
        id AS Id, period AS Period, number AS Number, state AS State, subject AS Subject, text_body AS TextBody, html_body AS HtmlBody,
        entry_count AS EntryCount, compiled_at AS CompiledAt, compiled_by AS CompiledBy, approved_at AS ApprovedAt, approved_by AS ApprovedBy,
        sending_at AS SendingAt, sent_at AS SentAt, corrected_at AS CorrectedAt
        """;

    public async Task<Issue?> GetAsync(string period, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Issue>(new CommandDefinition($"SELECT {Columns} FROM issues WHERE period = @period", new { period }, cancellationToken: cancellationToken));
    }

    public async Task<Issue?> GetByNumberAsync(int number, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Issue>(new CommandDefinition($"SELECT {Columns} FROM issues WHERE number = @number", new { number }, cancellationToken: cancellationToken));
    }

    /// <summary>Sent issues, newest first: the public archive.</summary>
    public async Task<IReadOnlyList<Issue>> ListSentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<Issue>(new CommandDefinition(
            $"SELECT {Columns} FROM issues WHERE state = 'sent' ORDER BY number DESC LIMIT @limit", new { limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>The periods whose issue is being sent (or was, when its sender died).</summary>
    public async Task<IReadOnlyList<string>> ListSendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT period FROM issues WHERE state = 'sending' ORDER BY period", cancellationToken: cancellationToken))];
    }

    /// <summary>The number the period's issue has, or would get: the next after the highest, or the configured first.</summary>
    public async Task<int> NumberForAsync(string period, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT number FROM issues WHERE period = @period", new { period }, cancellationToken: cancellationToken))
            ?? Math.Max(options.Value.FirstNumber, await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COALESCE(MAX(number), 0) + 1 FROM issues", cancellationToken: cancellationToken)));
    }

    /// <summary>
    /// Stores a compiled draft: a new issue, or the period's draft replaced. An approved issue stays
    /// as it is when <paramref name="asApproved"/> (the compile rendered under the approved issue's
    /// date) is what it holds; otherwise it goes back to draft and the withdrawn approval is audited.
    /// </summary>
    /// <exception cref="IssueFrozenException">The period's issue is being sent or was sent.</exception>
    public async Task<CompiledIssue> SaveDraftAsync(string period, int number, RenderedBulletin rendered, RenderedBulletin? asApproved, int entryCount, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            var existing = await connection.QuerySingleOrDefaultAsync<Issue>(new CommandDefinition($"SELECT {Columns} FROM issues WHERE period = @period", new { period }, transaction, cancellationToken: cancellationToken));
            if (existing is { Frozen: true })
            {
                throw new IssueFrozenException($"issue {existing.Number} ({period}) is {existing.State}: it can no longer change");
            }

            if (existing is { State: IssueState.Approved } && entryCount == existing.EntryCount
                && asApproved == new RenderedBulletin(existing.Subject, existing.TextBody, existing.HtmlBody))
            {
                await AuditLog.RecordAsync(connection, transaction, actor, "issue.compile", "issue", existing.Id, new { existing.State, existing.EntryCount }, new { existing.State, existing.EntryCount, Unchanged = true }, now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new CompiledIssue(existing, ApprovalWithdrawn: false);
            }

            var parameters = new { period, number = existing?.Number ?? number, rendered.Subject, rendered.Text, rendered.Html, entryCount, now, actor };
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    existing is null
                        ? """
                          INSERT INTO issues (period, number, state, subject, text_body, html_body, entry_count, compiled_at, compiled_by)
                          VALUES (@period, @number, 'draft', @Subject, @Text, @Html, @entryCount, @now, @actor)
                          """
                        : """
                          UPDATE issues SET state = 'draft', subject = @Subject, text_body = @Text, html_body = @Html, entry_count = @entryCount,
                              compiled_at = @now, compiled_by = @actor, approved_at = NULL, approved_by = NULL
                          WHERE period = @period AND state IN ('draft', 'approved')
                          """,
                    parameters,
                    transaction,
                    cancellationToken: cancellationToken));
            }
            catch (DbException ex) when (connections.Dialect.IsUniqueViolation(ex) && attempt < 3)
            {
                // Another compile took this number (or this period) meanwhile: look again.
                number++;
                continue;
            }

            var saved = await connection.QuerySingleAsync<Issue>(new CommandDefinition($"SELECT {Columns} FROM issues WHERE period = @period", new { period }, transaction, cancellationToken: cancellationToken));
            await AuditLog.RecordAsync(connection, transaction, actor, "issue.compile", "issue", saved.Id, existing is null ? null : new { existing.State, existing.EntryCount }, new { saved.State, saved.Number, saved.EntryCount }, now, cancellationToken);
            var withdrawn = existing is { State: IssueState.Approved };
            if (withdrawn)
            {
                await AuditLog.RecordAsync(connection, transaction, actor, "issue.approval-withdrawn", "issue", saved.Id, new { existing!.State, existing.ApprovedBy, existing.ApprovedAt }, new { saved.State, Reason = "the content changed" }, now, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new CompiledIssue(saved, withdrawn);
        }
    }

    /// <summary>
    /// Stores a sent issue re-rendered after a correction of its month: its subject, bodies and entry
    /// count change, and when; its number, state and dates stay. Nothing is mailed. Audited with the
    /// subject and entry count before and after.
    /// </summary>
    /// <returns>False when the issue is not sent (being sent, say), or its content is unchanged: nothing is written.</returns>
    public async Task<bool> ReviseSentAsync(string period, RenderedBulletin rendered, int entryCount, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var existing = await connection.QuerySingleOrDefaultAsync<Issue>(new CommandDefinition($"SELECT {Columns} FROM issues WHERE period = @period", new { period }, transaction, cancellationToken: cancellationToken));
        if (existing is not { State: IssueState.Sent }
            || (entryCount == existing.EntryCount && rendered == new RenderedBulletin(existing.Subject, existing.TextBody, existing.HtmlBody)))
        {
            return false;
        }

        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE issues SET subject = @Subject, text_body = @Text, html_body = @Html, entry_count = @entryCount, corrected_at = @now
            WHERE id = @Id AND state = 'sent'
            """,
            new { rendered.Subject, rendered.Text, rendered.Html, entryCount, now, existing.Id },
            transaction,
            cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, actor, "issue.revised", "issue", existing.Id, new { existing.Subject, existing.EntryCount }, new { rendered.Subject, EntryCount = entryCount }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>"Resend to failed" on a sent issue: it is sending again (its content unchanged) until those deliveries are done.</summary>
    public Task<bool> ReopenForResendAsync(string period, string actor, CancellationToken cancellationToken) =>
        TransitionAsync(period, IssueState.Sent, IssueState.Sending, actor, cancellationToken);

    /// <summary>Moves an issue from one state to the next, only from the expected one; audited.</summary>
    /// <returns>False when the issue is not in <paramref name="from"/> (already moved, or not ready).</returns>
    public async Task<bool> TransitionAsync(string period, string from, string to, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var column = to switch
        {
            IssueState.Approved => "approved_at = @now, approved_by = @actor",
            IssueState.Sending => "sending_at = COALESCE(sending_at, @now)",
            IssueState.Sent => "sent_at = @now",
            _ => throw new ArgumentOutOfRangeException(nameof(to), to, "not a state an issue moves to"),
        };
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"UPDATE issues SET state = @to, {column} WHERE period = @period AND state = @from RETURNING id",
            new { period, from, to, now, actor },
            transaction,
            cancellationToken: cancellationToken));
        if (id is null)
        {
            return false;
        }

        await AuditLog.RecordAsync(connection, transaction, actor, $"issue.{to}", "issue", id, new { State = from }, new { State = to }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
