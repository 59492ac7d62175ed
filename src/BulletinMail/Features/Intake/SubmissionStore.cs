using System.Data.Common;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using Dapper;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Submissions and the entries parsed from them. Correctness lives here, not in the scheduler:
/// unique indexes on the mailbox place and the message key make a second recording of the same
/// message impossible, and processing completes only a submission that is still <c>received</c>.
/// </summary>
public sealed class SubmissionStore(DbConnectionFactory connections, TimeProvider time)
{
    private const string Columns = """
        s.id AS Id, s.mailbox AS Mailbox, s.uid_validity AS UidValidity, s.uid AS Uid, s.source_key AS SourceKey,
        s.message_key AS MessageKey, s.message_id AS MessageId, s.sha256 AS Sha256, s.size AS Size,
        s.from_address AS FromAddress, s.subject AS Subject, s.in_reply_to AS InReplyTo, s.received_at AS ReceivedAt,
        s.status AS Status, s.reason AS Reason, s.unit AS Unit, s.period AS Period, s.extracted_text AS ExtractedText,
        s.warnings AS Warnings, s.attachments AS Attachments, s.duplicate_of AS DuplicateOf, s.superseded_by AS SupersededBy,
        s.created_at AS CreatedAt, s.processed_at AS ProcessedAt,
        (SELECT COUNT(*) FROM entries e WHERE e.submission_id = s.id) AS EntryCount
        """;

    private const string SelectByPlace = """
        SELECT id AS Id, status AS Status FROM submissions
        WHERE mailbox = @Mailbox AND ((@Uid IS NOT NULL AND uid_validity = @UidValidity AND uid = @Uid)
                                   OR (@SourceKey IS NOT NULL AND source_key = @SourceKey))
        """;

    private const string SelectByMessageKey = """
        SELECT id AS Id, mailbox AS Mailbox, uid_validity AS UidValidity FROM submissions
        WHERE message_key = @MessageKey AND status <> 'duplicate'
        """;

    private const string Insert = """
        INSERT INTO submissions (mailbox, uid_validity, uid, source_key, message_key, message_id, sha256, size,
            from_address, subject, in_reply_to, received_at, status, reason, unit, period, duplicate_of, created_at)
        VALUES (@Mailbox, @UidValidity, @Uid, @SourceKey, @MessageKey, @MessageId, @Sha256, @Size,
            @FromAddress, @Subject, @InReplyTo, @ReceivedAt, @Status, @Reason, @Unit, @Period, @DuplicateOf, @Now)
        RETURNING id
        """;

    private const string Rekey = "UPDATE submissions SET uid_validity = @UidValidity, uid = @Uid WHERE id = @Id";

    /// <summary>
    /// Records a message once. Called again for the same place, it changes nothing; for the same
    /// message at another place, it records a duplicate, except after a UIDVALIDITY change of
    /// the same mailbox, where it moves the existing submission to the new place.
    /// </summary>
    public async Task<(long Id, RecordOutcome Outcome, string Status)> RecordAsync(NewSubmission message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                var result = await RecordAsync(connection, transaction, message, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (DbException ex) when (connections.Dialect.IsUniqueViolation(ex) && attempt < 3)
            {
                // A broken unique key: another worker recorded it between our look-up and insert; look again.
                await transaction.RollbackAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Records a batch of messages in one transaction, in order (ids follow arrival), with the
    /// outcomes <see cref="RecordAsync(NewSubmission, CancellationToken)"/> would give one by one.
    /// If another poll records one of them at the same moment, the batch is recorded one by one.
    /// </summary>
    public async Task<IReadOnlyList<(long Id, RecordOutcome Outcome, string Status)>> RecordAllAsync(IReadOnlyList<NewSubmission> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var results = new List<(long, RecordOutcome, string)>(messages.Count);
            foreach (var message in messages)
            {
                results.Add(await RecordAsync(connection, transaction, message, cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);
            return results;
        }
        catch (DbException ex) when (connections.Dialect.IsUniqueViolation(ex))
        {
            var results = new List<(long, RecordOutcome, string)>(messages.Count);
            foreach (var message in messages)
            {
                results.Add(await RecordAsync(message, cancellationToken));
            }

            return results;
        }
    }

    private async Task<(long Id, RecordOutcome Outcome, string Status)> RecordAsync(
        DbConnection connection, DbTransaction transaction, NewSubmission message, CancellationToken cancellationToken)
    {
        var place = await connection.QuerySingleOrDefaultAsync<PlaceRow>(new CommandDefinition(SelectByPlace, message, transaction, cancellationToken: cancellationToken));
        if (place is not null)
        {
            return (place.Id, RecordOutcome.AlreadyRecorded, place.Status);
        }

        var first = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(SelectByMessageKey, message, transaction, cancellationToken: cancellationToken));
        if (first is not null && first.Mailbox == message.Mailbox && message.Uid is not null && first.UidValidity != message.UidValidity)
        {
            await connection.ExecuteAsync(new CommandDefinition(Rekey, new { first.Id, message.UidValidity, message.Uid }, transaction, cancellationToken: cancellationToken));
            return (first.Id, RecordOutcome.Rekeyed, await StatusAsync(connection, transaction, first.Id, cancellationToken));
        }

        var duplicate = first is not null;
        var row = message with
        {
            Status = duplicate ? SubmissionStatus.Duplicate : message.Status,
            Reason = duplicate ? $"the same message as submission {first!.Id}" : message.Reason,
        };
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Insert,
            new
            {
                row.Mailbox, row.UidValidity, row.Uid, row.SourceKey, row.MessageKey, row.MessageId, row.Sha256, row.Size,
                row.FromAddress, row.Subject, row.InReplyTo, row.ReceivedAt, row.Status, row.Reason, row.Unit, row.Period,
                DuplicateOf = first?.Id, Now = time.GetUtcNow(),
            },
            transaction,
            cancellationToken: cancellationToken));
        return (id, duplicate ? RecordOutcome.Duplicate : RecordOutcome.Created, row.Status);
    }

    private static Task<string> StatusAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT status FROM submissions WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken))!;

    /// <summary>Every recorded place of a mailbox (under this UIDVALIDITY), with its submission: one query per poll.</summary>
    public async Task<Dictionary<string, (long Id, string Status)>> ListPlacesAsync(string mailbox, long? uidValidity, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PlaceKeyRow>(new CommandDefinition(
            """
            SELECT id AS Id, status AS Status, uid AS Uid, source_key AS SourceKey FROM submissions
            WHERE mailbox = @mailbox AND (uid IS NULL OR uid_validity = @uidValidity)
            """,
            new { mailbox, uidValidity },
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => PlaceKey(r.Uid, r.SourceKey), r => (r.Id, r.Status));
    }

    /// <summary>The key of a place in <see cref="ListPlacesAsync"/>.</summary>
    public static string PlaceKey(long? uid, string? sourceKey) => uid is { } u ? $"uid:{u}" : $"file:{sourceKey}";

    public async Task<Submission?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Submission>(new CommandDefinition($"SELECT {Columns} FROM submissions s WHERE s.id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Submission>> ListAsync(string? period, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Submission>(new CommandDefinition(
            $"SELECT {Columns} FROM submissions s WHERE (@period IS NULL OR s.period = @period) AND (@status IS NULL OR s.status = @status) ORDER BY s.id",
            new { period, status },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Submissions recorded but not processed: a crash came between the two.</summary>
    public async Task<IReadOnlyList<long>> ListUnprocessedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM submissions WHERE status = 'received' ORDER BY id", cancellationToken: cancellationToken));
        return [.. ids];
    }

    /// <summary>
    /// Records that processing a submission failed (not its content: a fault of ours or of a
    /// resource). After <paramref name="limit"/> failures it is quarantined with the error, so it
    /// no longer blocks the polls that follow; an editor can release it once the fault is fixed.
    /// </summary>
    /// <returns>Whether it was quarantined now.</returns>
    public async Task<bool> RecordProcessingFailureAsync(long id, string error, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            UPDATE submissions SET process_attempts = process_attempts + 1,
                status = CASE WHEN process_attempts + 1 >= @Limit THEN 'quarantined' ELSE status END,
                reason = CASE WHEN process_attempts + 1 >= @Limit THEN @Reason ELSE reason END,
                processed_at = CASE WHEN process_attempts + 1 >= @Limit THEN @Now ELSE processed_at END
            WHERE id = @Id AND status = 'received'
            RETURNING status
            """,
            new { Id = id, Limit = limit, Reason = $"processing failed {limit} times, last with: {error}; the original is kept", Now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        return status == SubmissionStatus.Quarantined;
    }

    // sort_order starts as the order submitted (submission, then clause), unique within a period;
    // an editor's reordering swaps values, so later submissions still come after.
    private const string InsertEntry = """
        INSERT INTO entries (submission_id, seq, period, unit, section, date_start, date_end, date_precision, date_text,
            text, confidence, warnings, inherited, status, sort_order, created_at, updated_at)
        VALUES (@SubmissionId, @Seq, @Period, @Unit, @Section, @DateStart, @DateEnd, @DatePrecision, @DateText,
            @Text, @Confidence, @Warnings, @Inherited, @Status, @SubmissionId * 1000000 + @Seq, @Now, @Now)
        ON CONFLICT (submission_id, seq) DO NOTHING
        """;

    private const string Complete = """
        UPDATE submissions SET status = @Status, reason = @Reason, unit = @Unit, period = @Period, extracted_text = @Text,
            warnings = @Warnings, attachments = @Attachments, processed_at = @Now
        WHERE id = @Id AND status = @Expected
        """;

    /// <summary>Stores the outcome of processing and its entries, in one transaction, once.</summary>
    /// <param name="expected">The status the submission must still have: <c>received</c>, or <c>held</c>/<c>quarantined</c> when an editor decides.</param>
    /// <param name="actor">The editor who decided, audited; null for the worker.</param>
    /// <returns>False when the submission was already processed (by another run of the same job, or another editor).</returns>
    public async Task<bool> CompleteAsync(SubmissionOutcome outcome, CancellationToken cancellationToken, string expected = SubmissionStatus.Received, string? actor = null) =>
        (await CompleteAllAsync([outcome], cancellationToken, expected, actor))[0];

    /// <summary>
    /// Stores the outcomes of a batch and their entries, all in one transaction (one commit, and
    /// no writers of the same process waiting on each other's locks), each submission once.
    /// </summary>
    /// <param name="alsoStore">Called in the same transaction for each outcome stored (with its index): what must be
    /// committed with it, such as the mail it causes.</param>
    /// <returns>For each outcome, whether it was stored: false when that submission was already processed.</returns>
    public async Task<bool[]> CompleteAllAsync(
        IReadOnlyList<SubmissionOutcome> outcomes, CancellationToken cancellationToken, string expected = SubmissionStatus.Received, string? actor = null,
        Func<DbConnection, DbTransaction, int, DateTimeOffset, Task>? alsoStore = null)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var completed = new bool[outcomes.Count];
        if (outcomes.Count == 0)
        {
            return completed;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        for (var i = 0; i < outcomes.Count; i++)
        {
            completed[i] = await CompleteAsync(connection, transaction, outcomes[i], expected, actor, now, cancellationToken);
            if (completed[i] && alsoStore is not null)
            {
                await alsoStore(connection, transaction, i, now);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return completed;
    }

    private static async Task<bool> CompleteAsync(
        DbConnection connection, DbTransaction transaction, SubmissionOutcome outcome, string expected, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            Complete,
            new { outcome.Id, outcome.Status, outcome.Reason, outcome.Unit, outcome.Period, outcome.Text, outcome.Warnings, outcome.Attachments, Now = now, Expected = expected },
            transaction,
            cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return false;
        }

        if (actor is not null)
        {
            await AuditLog.RecordAsync(connection, transaction, actor, $"submission.{outcome.Status}", "submission", outcome.Id,
                new { Status = expected }, new { outcome.Status, outcome.Reason, outcome.Unit, outcome.Period, Entries = outcome.Entries.Count }, now, cancellationToken);
        }

        // A held report's entries are a preview for the editor, kept out of the queue; released,
        // the report is read again and its entries replace the preview.
        if (expected is SubmissionStatus.Held or SubmissionStatus.Quarantined)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM entries WHERE submission_id = @Id AND status = 'held'", new { outcome.Id }, transaction, cancellationToken: cancellationToken));
        }

        await InsertEntriesAsync(connection, transaction, outcome.Id, outcome.Period!, outcome.Entries.Select((entry, i) => (i + 1, entry)), now, cancellationToken,
            outcome.Status == SubmissionStatus.Held ? SubmissionStatus.Held : EntryStore.Pending);

        if (outcome.Supersedes is { } earlier)
        {
            await SupersedeAsync(connection, transaction, earlier, outcome.Id, cancellationToken);
        }

        return true;
    }

    /// <summary>Inserts parsed entries, pending (or a held report's preview), each once (a second insert of the same clause does nothing).</summary>
    /// <returns>How many were inserted.</returns>
    internal static async Task<int> InsertEntriesAsync(
        DbConnection connection, DbTransaction transaction, long submissionId, string period, IEnumerable<(int Seq, ParsedEntry Entry)> entries, DateTimeOffset now, CancellationToken cancellationToken,
        string status = EntryStore.Pending)
    {
        // One command prepared once and executed per entry with new values: no statement parsed,
        // no parameter object built, per row.
        await using var command = ReusableCommand.Create(connection, InsertEntry, ["@SubmissionId", "@Seq", "@Period", "@Now", "@Status", .. EntryColumns]);
        command.Transaction = transaction;
        command.Parameters["@SubmissionId"].Value = submissionId;
        command.Parameters["@Period"].Value = period;
        command.Parameters["@Now"].Value = now;
        command.Parameters["@Status"].Value = status;
        var inserted = 0;
        foreach (var (seq, entry) in entries)
        {
            command.Parameters["@Seq"].Value = seq;
            var values = EntryValues(entry);
            for (var i = 0; i < EntryColumns.Length; i++)
            {
                command.Parameters[EntryColumns[i]].Value = values[i] ?? DBNull.Value;
            }

            inserted += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return inserted;
    }

    /// <summary>The parameters of an entry's own columns, as <see cref="InsertEntry"/> and an update of one entry name them.</summary>
    internal static readonly string[] EntryColumns =
        ["@Unit", "@Section", "@DateStart", "@DateEnd", "@DatePrecision", "@DateText", "@Text", "@Confidence", "@Warnings", "@Inherited"];

    /// <summary>An entry's values for <see cref="EntryColumns"/>, in their order, as the entries table stores them.</summary>
    internal static object?[] EntryValues(ParsedEntry entry) =>
    [
        entry.Unit,
        entry.Section,
        entry.Date.Start, // SQLite writes a DateOnly as yyyy-MM-dd text, PostgreSQL as a DATE
        entry.Date.End,
        entry.Date.Precision.ToString().ToLowerInvariant(),
        entry.Date.Text,
        entry.Text,
        entry.Confidence,
        entry.Warnings.Count == 0 ? "[]" : System.Text.Json.JsonSerializer.Serialize(entry.Warnings, IntakeJsonContext.Default.IReadOnlyListString),
        entry.Inherited ? 1 : 0,
    ];

    // A correction replaces the earlier report of the same unit and period: the earlier one and
    // its entries are kept, marked superseded.
    private static async Task SupersedeAsync(DbConnection connection, DbTransaction transaction, long earlier, long later, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE submissions SET status = 'superseded', superseded_by = @later, reason = 'replaced by submission ' || CAST(@later AS TEXT) || ', a corrected report replying to it' WHERE id = @earlier AND status = 'parsed'",
            new { earlier, later },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE entries SET status = 'superseded' WHERE submission_id = @earlier AND status = 'pending'",
            new { earlier },
            transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>Sets a held or quarantined submission aside with the editor's reason; the original stays.</summary>
    public async Task<bool> DiscardAsync(long id, string reason, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<PlaceRow>(new CommandDefinition(
            "SELECT id AS Id, status AS Status FROM submissions WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        if (before is null || before.Status is not (SubmissionStatus.Held or SubmissionStatus.Quarantined))
        {
            return false;
        }

        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE submissions SET status = 'discarded', reason = @reason, processed_at = @now WHERE id = @id",
            new { id, reason, now },
            transaction,
            cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, actor, "submission.discarded", "submission", id, new { before.Status }, new { Status = SubmissionStatus.Discarded, Reason = reason }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The latest parsed submission of a unit for a period, from this sender: what a correction replaces.</summary>
    /// <summary>The submission recorded for a Message-ID (the report a reply names).</summary>
    public async Task<long?> FindByMessageIdAsync(string? messageId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(messageId))
        {
            return null;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM submissions WHERE message_id = @id ORDER BY id LIMIT 1", new { id = messageId.Trim('<', '>', ' ') }, cancellationToken: cancellationToken));
    }

    /// <summary>How many entries a submission's report gave (whatever became of them since).</summary>
    public async Task<int> CountEntriesAsync(long submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM entries WHERE submission_id = @submissionId", new { submissionId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Undoes a correction: the superseded submission stands again beside its successor, its
    /// entries back in review (an editor judged the reply was not a replacement); audited.
    /// </summary>
    /// <returns>False when the submission is not superseded.</returns>
    public async Task<bool> RestoreSupersededAsync(long id, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var successor = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "UPDATE submissions SET status = 'parsed', superseded_by = NULL, reason = NULL WHERE id = @id AND status = 'superseded' RETURNING id",
            new { id }, transaction, cancellationToken: cancellationToken));
        if (successor is null)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE entries SET status = 'pending' WHERE submission_id = @id AND status = 'superseded'", new { id }, transaction, cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, actor, "submission.restored", "submission", id, new { Status = SubmissionStatus.Superseded }, new { Status = SubmissionStatus.Parsed }, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The submission a correction replaced (it names this one as its successor), if any.</summary>
    public async Task<long?> FindSupersededByAsync(long successor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM submissions WHERE superseded_by = @successor ORDER BY id LIMIT 1", new { successor }, cancellationToken: cancellationToken));
    }

    private sealed record PlaceRow(long Id, string Status);

    private sealed class PlaceKeyRow
    {
        public long Id { get; init; }

        public required string Status { get; init; }

        public long? Uid { get; init; }

        public string? SourceKey { get; init; }
    }

    private sealed record KeyRow(long Id, string Mailbox, long? UidValidity);
}

/// <summary>What processing a submission decided, to be stored at once.</summary>
/// <param name="Supersedes">The earlier submission this one corrects, if any.</param>
public sealed record SubmissionOutcome(
    long Id,
    string Status,
    string? Reason,
    string? Unit,
    string? Period,
    string? Text,
    string Warnings,
    string Attachments,
    IReadOnlyList<ParsedEntry> Entries,
    long? Supersedes = null);
