using System.Data.Common;
using System.Text.Json;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Parsing;
using Dapper;

namespace BulletinMail.Features.Review;

/// <summary>An entry as stored, with its review status.</summary>
public sealed record StoredEntry
{
    public long Id { get; init; }

    public long SubmissionId { get; init; }

    public long Seq { get; init; }

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

    /// <summary>The clause had no date of its own and took the one before it: the bulletin prints it without one.</summary>
    public bool Inherited { get; init; }

    public required string Status { get; init; }

    public bool Headline { get; init; }

    public long SortOrder { get; init; }

    /// <summary>The editor who last changed the date, text, unit or section; a re-parse leaves such an entry alone.</summary>
    public string? EditedBy { get; init; }

    public DateTimeOffset? EditedAt { get; init; }

    public IReadOnlyList<string> WarningList => JsonSerializer.Deserialize<string[]>(Warnings) ?? [];
}

/// <summary>An entry whose status a bulk action changed, and the status it had: what an undo puts back.</summary>
public sealed record StatusChange(long Id, string Before);

/// <summary>An editor's change to an entry's content.</summary>
public sealed record EntryEdit(ActivityDate Date, string Text, string? Unit, string? Section);

/// <summary>
/// Entries and their review. Every change is written to the audit log (who, when, what, before
/// and after) in the same transaction as the change itself.
/// </summary>
public sealed class EntryStore(DbConnectionFactory connections, TimeProvider time)
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Superseded = "superseded";

    /// <summary>Below this an entry is listed under "low confidence".</summary>
    public const double LowConfidence = 0.8;

    private const string Columns = """
        id AS Id, submission_id AS SubmissionId, seq AS Seq, period AS Period, unit AS Unit, section AS Section,
        date_start AS DateStart, date_end AS DateEnd, date_precision AS DatePrecision, date_text AS DateText,
        text AS Text, confidence AS Confidence, warnings AS Warnings, inherited AS Inherited, status AS Status,
        headline AS Headline, sort_order AS SortOrder, edited_by AS EditedBy, edited_at AS EditedAt
        """;

    /// <summary>The bulletin's order within a unit: the editor's, else the order submitted.</summary>
    public const string DisplayOrder = "sort_order, id";

    public async Task<IReadOnlyList<StoredEntry>> ListAsync(string? period, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredEntry>(new CommandDefinition(
            $"SELECT {Columns} FROM entries WHERE (@period IS NULL OR period = @period) AND (@status IS NULL OR status = @status) ORDER BY period, {DisplayOrder}",
            new { period, status },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>A period's entries for the review queue: every status but superseded, and none of a held report's preview, unless one is asked for.</summary>
    public async Task<IReadOnlyList<StoredEntry>> ListForReviewAsync(string period, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredEntry>(new CommandDefinition(
            $"SELECT {Columns} FROM entries WHERE period = @period AND (status = @status OR (@status IS NULL AND status NOT IN ('superseded', 'held'))) ORDER BY {DisplayOrder}",
            new { period, status },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<StoredEntry>> ListBySubmissionAsync(long submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredEntry>(new CommandDefinition(
            $"SELECT {Columns} FROM entries WHERE submission_id = @submissionId ORDER BY seq", new { submissionId }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<StoredEntry?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredEntry>(new CommandDefinition(
            $"SELECT {Columns} FROM entries WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Sets the status of the given entries (or of every pending entry of a period), auditing each change.</summary>
    /// <returns>How many entries changed.</returns>
    public async Task<int> SetStatusAsync(IReadOnlyCollection<long> ids, string? period, string status, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var changed = ids.Count > 0
            ? await SetStatusWhereAsync(connections.Dialect.IsIn("id", "@ids"), new { ids = ids.ToArray() }, status, actor, cancellationToken)
            : await SetStatusWhereAsync("period = @period AND status = 'pending'", new { period }, status, actor, cancellationToken);
        return changed.Count;
    }

    /// <summary>Approves every pending entry of one unit in a period.</summary>
    public async Task<int> ApproveUnitAsync(string period, string unit, string actor, CancellationToken cancellationToken) =>
        (await SetStatusWhereAsync("period = @period AND unit = @unit AND status = 'pending'", new { period, unit }, Approved, actor, cancellationToken)).Count;

    /// <summary>
    /// Approves those of the given entries that are still pending: a bulk action acts on exactly
    /// the entries the editor was shown (issue 12), never on ones a filter hid.
    /// </summary>
    /// <returns>The entries approved, with their status before, for an undo.</returns>
    public Task<IReadOnlyList<StatusChange>> ApprovePendingAsync(IReadOnlyCollection<long> ids, string actor, CancellationToken cancellationToken) =>
        SetStatusWhereAsync($"{connections.Dialect.IsIn("id", "@ids")} AND status = 'pending'", new { ids = ids.ToArray() }, Approved, actor, cancellationToken);

    /// <summary>
    /// Undoes a bulk action: puts each entry back to its status before, if it still has the status
    /// the action gave it (a later change by anyone stands). Audited as <c>entry.undo</c>.
    /// </summary>
    /// <returns>How many entries were put back.</returns>
    public async Task<int> UndoAsync(IReadOnlyList<StatusChange> changes, string status, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var undone = 0;
        foreach (var change in changes)
        {
            var rows = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE entries SET status = @Before, updated_at = @now WHERE id = @Id AND status = @status",
                new { change.Before, now, change.Id, status },
                transaction,
                cancellationToken: cancellationToken));
            if (rows > 0)
            {
                await AuditLog.RecordAsync(connection, transaction, actor, "entry.undo", "entry", change.Id, new { Status = status }, new { Status = change.Before }, now, cancellationToken);
                undone++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return undone;
    }

    private async Task<IReadOnlyList<StatusChange>> SetStatusWhereAsync(string where, object parameters, string status, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var targets = await connection.QueryAsync<StoredEntry>(new CommandDefinition(
            $"SELECT {Columns} FROM entries WHERE {where}", parameters, transaction, cancellationToken: cancellationToken));
        var changed = new List<StatusChange>();
        var now = time.GetUtcNow();

        // A superseded entry belongs to a report that was corrected: reviewing it would make no sense.
        foreach (var entry in targets.Where(e => e.Status != status && e.Status != Superseded))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE entries SET status = @status, updated_at = @now WHERE id = @id", new { status, now, id = entry.Id }, transaction, cancellationToken: cancellationToken));
            await AuditLog.RecordAsync(connection, transaction, actor, $"entry.{status}", "entry", entry.Id, new { entry.Status }, new { Status = status }, now, cancellationToken);
            changed.Add(new StatusChange(entry.Id, entry.Status));
        }

        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>Changes an entry's date, text, unit and section, and marks it edited so a re-parse leaves it alone.</summary>
    /// <returns>False when there is no such entry, or it was superseded.</returns>
    public async Task<bool> EditAsync(long id, EntryEdit edit, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await GetAsync(connection, transaction, id, cancellationToken);
        if (before is null || before.Status == Superseded)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var after = before with
        {
            DateStart = edit.Date.Start,
            DateEnd = edit.Date.End,
            DatePrecision = edit.Date.Precision.ToString().ToLowerInvariant(),
            DateText = edit.Date.Text,
            Text = edit.Text.Trim(),
            Unit = NullIfBlank(edit.Unit),
            Section = NullIfBlank(edit.Section),
            Inherited = false,
        };
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE entries SET date_start = @DateStart, date_end = @DateEnd, date_precision = @DatePrecision, date_text = @DateText,
                text = @Text, unit = @Unit, section = @Section, inherited = 0, edited_by = @actor, edited_at = @now, updated_at = @now
            WHERE id = @Id
            """,
            new { after.DateStart, after.DateEnd, after.DatePrecision, after.DateText, after.Text, after.Unit, after.Section, actor, now, after.Id },
            transaction,
            cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, actor, "entry.edit", "entry", id, Content(before), Content(after), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Marks an entry as one of the issue's headlines (本期要闻), or unmarks it.</summary>
    public async Task<bool> SetHeadlineAsync(long id, bool headline, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await GetAsync(connection, transaction, id, cancellationToken);
        if (before is null || before.Headline == headline)
        {
            return false;
        }

        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE entries SET headline = @headline, updated_at = @now WHERE id = @id", new { id, headline = headline ? 1 : 0, now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, actor, headline ? "entry.headline" : "entry.unheadline", "entry", id, new { before.Headline }, new { Headline = headline }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Moves an entry one place up or down among its unit's entries of the period (they swap places).</summary>
    public async Task<bool> MoveAsync(long id, bool up, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entry = await GetAsync(connection, transaction, id, cancellationToken);
        if (entry is null)
        {
            return false;
        }

        var neighbour = await connection.QuerySingleOrDefaultAsync<StoredEntry>(new CommandDefinition(
            up
                ? $"SELECT {Columns} FROM entries WHERE period = @Period AND unit IS NOT DISTINCT FROM @Unit AND status <> 'superseded' AND (sort_order < @SortOrder OR (sort_order = @SortOrder AND id < @Id)) ORDER BY sort_order DESC, id DESC LIMIT 1"
                : $"SELECT {Columns} FROM entries WHERE period = @Period AND unit IS NOT DISTINCT FROM @Unit AND status <> 'superseded' AND (sort_order > @SortOrder OR (sort_order = @SortOrder AND id > @Id)) ORDER BY {DisplayOrder} LIMIT 1",
            entry,
            transaction,
            cancellationToken: cancellationToken));
        if (neighbour is null)
        {
            return false;
        }

        // Equal orders cannot happen for entries stored by us, but swapping them would do nothing: separate them first.
        var (mine, theirs) = neighbour.SortOrder == entry.SortOrder
            ? (up ? (entry.SortOrder - 1, entry.SortOrder) : (entry.SortOrder + 1, entry.SortOrder))
            : (neighbour.SortOrder, entry.SortOrder);
        var now = time.GetUtcNow();
        const string setOrder = "UPDATE entries SET sort_order = @order, updated_at = @now WHERE id = @id";
        await connection.ExecuteAsync(new CommandDefinition(setOrder, new { id = entry.Id, order = mine, now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(setOrder, new { id = neighbour.Id, order = theirs, now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, actor, up ? "entry.move-up" : "entry.move-down", "entry", id, new { entry.SortOrder }, new { SortOrder = mine }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static object Content(StoredEntry e) => new { Date = e.DateText, e.DateStart, e.DateEnd, e.DatePrecision, e.Text, e.Unit, e.Section };

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Task<StoredEntry?> GetAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<StoredEntry>(new CommandDefinition($"SELECT {Columns} FROM entries WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
}
