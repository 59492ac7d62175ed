using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using Dapper;

namespace BulletinMail.Features.Intake;

/// <summary>What a re-parse would do to one entry.</summary>
public enum ReparseChangeKind
{
    Unchanged,
    Changed,
    Added,
    Removed,
}

/// <summary>One proposed change: the entry as stored (if any) and as parsed now (if any).</summary>
/// <param name="Applies">False when an editor has reviewed or edited the entry: a re-parse never overwrites their work.</param>
public sealed record ReparseChange(ReparseChangeKind Kind, long Seq, StoredEntry? Now, ParsedEntry? Proposed, bool Applies);

/// <summary>
/// Re-parsing a submission after a parser update. It proposes; the editor applies. Entries an
/// editor has edited, approved or rejected are kept as they are; only untouched pending ones
/// change, and entries the parser no longer finds are marked superseded, not deleted.
/// </summary>
public sealed class Reparse(SubmissionProcessor processor, EntryStore entries, DbConnectionFactory connections, TimeProvider time)
{
    /// <returns>Null when the original cannot be read again (or the submission has no period).</returns>
    public async Task<IReadOnlyList<ReparseChange>?> ProposeAsync(Submission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var parsed = await processor.ReparseAsync(submission, cancellationToken);
        if (parsed is null)
        {
            return null;
        }

        var stored = (await entries.ListBySubmissionAsync(submission.Id, cancellationToken)).ToDictionary(e => e.Seq);
        var changes = new List<ReparseChange>();
        for (var i = 0; i < parsed.Count; i++)
        {
            var seq = i + 1;
            var proposed = parsed[i];
            if (!stored.Remove(seq, out var now))
            {
                changes.Add(new ReparseChange(ReparseChangeKind.Added, seq, null, proposed, true));
                continue;
            }

            var same = Same(now, proposed);
            changes.Add(new ReparseChange(same ? ReparseChangeKind.Unchanged : ReparseChangeKind.Changed, seq, now, proposed, !same && Untouched(now)));
        }

        foreach (var now in stored.Values.Where(e => e.Status != EntryStore.Superseded).OrderBy(e => e.Seq))
        {
            changes.Add(new ReparseChange(ReparseChangeKind.Removed, now.Seq, now, null, Untouched(now)));
        }

        return changes;
    }

    /// <summary>Applies the changes that apply, audited as the editor's; proposes again first, so a stale page applies nothing stale.</summary>
    /// <returns>How many entries changed.</returns>
    public async Task<int> ApplyAsync(Submission submission, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var changes = await ProposeAsync(submission, cancellationToken);
        if (changes is null || submission.Period is null)
        {
            return 0;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var applied = 0;
        foreach (var change in changes.Where(c => c.Applies && c.Kind != ReparseChangeKind.Added))
        {
            // Guarded by the entry's state, so an edit or review made meanwhile still wins.
            if (change.Proposed is { } proposed)
            {
                var row = new DynamicParameters(new { Id = change.Now!.Id, Now = now });
                var values = SubmissionStore.EntryValues(proposed);
                for (var i = 0; i < values.Length; i++)
                {
                    row.Add(SubmissionStore.EntryColumns[i], values[i]);
                }

                applied += await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE entries SET unit = @Unit, section = @Section, date_start = @DateStart, date_end = @DateEnd,
                        date_precision = @DatePrecision, date_text = @DateText, text = @Text, confidence = @Confidence,
                        warnings = @Warnings, inherited = @Inherited, updated_at = @Now
                    WHERE id = @Id AND status = 'pending' AND edited_at IS NULL
                    """,
                    row,
                    transaction,
                    cancellationToken: cancellationToken));
            }
            else
            {
                applied += await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE entries SET status = 'superseded', updated_at = @now WHERE id = @id AND status = 'pending' AND edited_at IS NULL",
                    new { now, id = change.Now!.Id },
                    transaction,
                    cancellationToken: cancellationToken));
            }
        }

        applied += await SubmissionStore.InsertEntriesAsync(
            connection, transaction, submission.Id, submission.Period,
            changes.Where(c => c.Kind == ReparseChangeKind.Added).Select(c => ((int)c.Seq, c.Proposed!)), now, cancellationToken);

        await AuditLog.RecordAsync(connection, transaction, actor, "submission.reparse", "submission", submission.Id, null,
            new { Changed = applied, Kept = changes.Count(c => c.Kind != ReparseChangeKind.Unchanged && !c.Applies) }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    // Reviewed (approved, rejected) or edited entries carry an editor's decision.
    private static bool Untouched(StoredEntry entry) => entry.Status == EntryStore.Pending && entry.EditedAt is null;

    private static bool Same(StoredEntry now, ParsedEntry proposed) =>
        now.Text == proposed.Text && now.DateText == proposed.Date.Text && now.DateStart == proposed.Date.Start && now.DateEnd == proposed.Date.End
        && now.Unit == proposed.Unit && now.Section == proposed.Section;
}
