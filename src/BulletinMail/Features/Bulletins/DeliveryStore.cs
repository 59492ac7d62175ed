using BulletinMail.Data;
using BulletinMail.Features.Audit;
using Dapper;

namespace BulletinMail.Features.Bulletins;

/// <summary>Delivery statuses: the row per (issue, subscriber) is the only truth about sending.</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Retry = "retry";
    public const string Failed = "failed";
}

/// <summary>Where an issue's sending stands.</summary>
/// <param name="Pending">Not yet sent: waiting, in flight, or to be retried.</param>
public sealed record DeliveryCounts(int Sent, int Failed, int Pending, int Retry)
{
    public int Total => Sent + Failed + Pending;
}

/// <summary>What became of one delivery attempt.</summary>
/// <param name="NextAttempt">When to try again after a temporary failure; null when sent, or failed for good.</param>
/// <param name="Bounced">The relay refused this recipient for good (5xx to RCPT TO): a hard bounce for them.</param>
public sealed record DeliveryResult(long SubscriberId, bool Sent, string? Error = null, DateTimeOffset? NextAttempt = null, bool Bounced = false);

/// <summary>An attempt to take an issue's sender lease: taken, or who holds it and when they last said so.</summary>
public sealed record LeaseAttempt(bool Taken, string? Holder, DateTimeOffset? HolderSeenAt);

/// <summary>One claimed delivery: to whom.</summary>
public sealed record DeliveryTarget(long SubscriberId, string Email, string? Name, int Attempts);

/// <summary>The delivery rows of an issue and the sender's lease on it.</summary>
public sealed class DeliveryStore(DbConnectionFactory connections, TimeProvider time)
{
    /// <summary>A row for every active subscriber who has none yet (idempotent: a resumed send adds only newcomers).</summary>
    public async Task<int> EnqueueAsync(long issueId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO deliveries (issue_id, subscriber_id, status)
            SELECT @issueId, id, 'pending' FROM subscribers WHERE status = 'active'
            ON CONFLICT (issue_id, subscriber_id) DO NOTHING
            """,
            new { issueId },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes the issue's sender lease: free, already ours, held by a sender silent for longer than
    /// <paramref name="timeout"/>, or by one <paramref name="holderIsGone"/> knows to be dead.
    /// Taking over puts the previous sender's in-flight rows back to pending: they are sent again
    /// (at most what was in flight when it died).
    /// </summary>
    public async Task<LeaseAttempt> TryLeaseAsync(long issueId, string sender, TimeSpan timeout, Func<string, bool> holderIsGone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holderIsGone);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var previous = await connection.QuerySingleOrDefaultAsync<LeaseHolder>(new CommandDefinition(
            $"SELECT sender AS Sender, sender_seen_at AS SeenAt FROM issues WHERE id = @issueId{connections.Dialect.ForUpdate}", new { issueId }, transaction, cancellationToken: cancellationToken))
            ?? new LeaseHolder(null, null);
        var seenAt = previous.SeenAt;
        if (previous.Sender is { } holder && holder != sender && seenAt > now - timeout && !holderIsGone(holder))
        {
            return new LeaseAttempt(false, holder, seenAt);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE issues SET sender = @sender, sender_seen_at = @now WHERE id = @issueId", new { issueId, sender, now }, transaction, cancellationToken: cancellationToken));
        if (previous.Sender != sender)
        {
            await connection.ExecuteAsync(new CommandDefinition(ReturnInFlight, new { issueId }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return new LeaseAttempt(true, previous.Sender, seenAt);
    }

    private string ReturnInFlight => $"UPDATE deliveries SET status = 'pending', attempts = {connections.Dialect.Greatest("attempts - 1", "0")} WHERE issue_id = @issueId AND status = 'sending'";

    /// <summary>
    /// Puts the rows a sender claimed and did not send (it stopped: a pause) back to pending, while
    /// it still holds the lease; a sender that lost it leaves them to the one that took over.
    /// </summary>
    public async Task ReturnUnsentAsync(long issueId, string sender, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            ReturnInFlight + " AND EXISTS (SELECT 1 FROM issues WHERE id = @issueId AND sender = @sender)", new { issueId, sender }, cancellationToken: cancellationToken));
    }

    /// <summary>Pauses the issue's sending with the relay's words: nothing is sent until it is resumed.</summary>
    public async Task PauseAsync(long issueId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE issues SET paused_reason = @reason, paused_at = @now WHERE id = @issueId", new { issueId, reason, now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, "delivery", "issue.paused", "issue", issueId, null, new { Reason = reason }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Why the issue's sending is paused; null when it is not.</summary>
    public async Task<string?> PausedAsync(long issueId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT paused_reason FROM issues WHERE id = @issueId", new { issueId }, cancellationToken: cancellationToken));
    }

    /// <summary>Resumes a paused send (an editor or operator says the cause is fixed); audited.</summary>
    /// <returns>Why it had been paused; null when it was not.</returns>
    public async Task<string?> ResumeAsync(long issueId, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var reason = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT paused_reason FROM issues WHERE id = @issueId", new { issueId }, transaction, cancellationToken: cancellationToken));
        if (reason is not null)
        {
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE issues SET paused_reason = NULL, paused_at = NULL WHERE id = @issueId", new { issueId }, transaction, cancellationToken: cancellationToken));
            await AuditLog.RecordAsync(connection, transaction, actor, "issue.resumed", "issue", issueId, new { Reason = reason }, null, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return reason;
    }

    /// <summary>Says the sender is alive; false when another sender has taken the lease over.</summary>
    public async Task<bool> RenewLeaseAsync(long issueId, string sender, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE issues SET sender_seen_at = @now WHERE id = @issueId AND sender = @sender", new { issueId, sender, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task ReleaseLeaseAsync(long issueId, string sender, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE issues SET sender = NULL, sender_seen_at = NULL WHERE id = @issueId AND sender = @sender", new { issueId, sender }, cancellationToken: cancellationToken));
    }

    /// <summary>Claims up to <paramref name="count"/> deliveries that are due (pending, or a retry whose time has come): they are now in flight.</summary>
    public async Task<IReadOnlyList<DeliveryTarget>> ClaimAsync(long issueId, int count, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var claimed = (await connection.QueryAsync<(long SubscriberId, int Attempts)>(new CommandDefinition(
            """
            UPDATE deliveries SET status = 'sending', claimed_at = @now, attempts = attempts + 1
            WHERE issue_id = @issueId AND subscriber_id IN (
                SELECT subscriber_id FROM deliveries
                WHERE issue_id = @issueId AND (status = 'pending' OR (status = 'retry' AND next_attempt_at <= @now))
                ORDER BY subscriber_id LIMIT @count)
            RETURNING subscriber_id, attempts
            """,
            new { issueId, count, now },
            transaction,
            cancellationToken: cancellationToken))).ToDictionary(r => r.SubscriberId, r => r.Attempts);
        var targets = claimed.Count == 0 ? [] : (await connection.QueryAsync<(long Id, string Email, string? Name)>(new CommandDefinition(
            $"SELECT id, email, name FROM subscribers WHERE {connections.Dialect.IsIn("id", "@ids")} ORDER BY id", new { ids = claimed.Keys.ToArray() }, transaction, cancellationToken: cancellationToken)))
            .Select(s => new DeliveryTarget(s.Id, s.Email, s.Name, claimed[s.Id])).ToList();
        await transaction.CommitAsync(cancellationToken);
        return targets;
    }

    /// <summary>Opens a recorder of one issue's outcomes: a connection and a prepared statement held for a whole send.</summary>
    public async Task<OutcomeRecorder> OpenRecorderAsync(long issueId, CancellationToken cancellationToken) =>
        new(await connections.OpenAsync(cancellationToken), issueId, time);

    /// <summary>
    /// Records what became of deliveries, each group in one transaction: sent, or unsent with the
    /// error and the time of the next attempt (none: failed for good). Only a row still in flight
    /// changes: a bounce can come back (and fail the row) before its "sent" is recorded, and must stand.
    /// </summary>
    public sealed class OutcomeRecorder : IAsyncDisposable
    {
        private readonly System.Data.Common.DbConnection connection;
        private readonly System.Data.Common.DbCommand update;
        private readonly TimeProvider time;

        internal OutcomeRecorder(System.Data.Common.DbConnection connection, long issueId, TimeProvider time)
        {
            this.connection = connection;
            this.time = time;
            update = ReusableCommand.Create(
                connection,
                """
                UPDATE deliveries SET status = @status, sent_at = CASE WHEN @status = 'sent' THEN @now END, last_error = @error, next_attempt_at = @next
                WHERE issue_id = @issue AND subscriber_id = @subscriber AND status = 'sending'
                """,
                "@status", "@now", "@error", "@next", "@issue", "@subscriber");
            update.Parameters["@issue"].Value = issueId;
        }

        public async Task RecordAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(results);

            // One row commits by itself; a transaction would cost two more statements.
            await using var transaction = results.Count > 1 ? await connection.BeginTransactionAsync(cancellationToken) : null;
            update.Transaction = transaction;
            update.Parameters["@now"].Value = time.GetUtcNow();
            foreach (var result in results)
            {
                update.Parameters["@status"].Value = result.Sent ? DeliveryStatus.Sent : result.NextAttempt is null ? DeliveryStatus.Failed : DeliveryStatus.Retry;
                update.Parameters["@error"].Value = (object?)result.Error ?? DBNull.Value;
                update.Parameters["@next"].Value = result.NextAttempt is { } next ? next : DBNull.Value;
                update.Parameters["@subscriber"].Value = result.SubscriberId;
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await update.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>A bounce that arrived later: the delivery failed after all.</summary>
    public async Task<bool> MarkBouncedAsync(long issueId, long subscriberId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE deliveries SET status = 'failed', last_error = @error WHERE issue_id = @issueId AND subscriber_id = @subscriberId AND status <> 'failed'",
            new { issueId, subscriberId, error },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Puts the failed deliveries of an issue back in the queue ("resend to failed").</summary>
    public async Task<int> RequeueFailedAsync(long issueId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL
            WHERE issue_id = @issueId AND status = 'failed' AND subscriber_id IN (SELECT id FROM subscribers WHERE status = 'active')
            """,
            new { issueId },
            cancellationToken: cancellationToken));
    }

    public async Task<DeliveryCounts> CountsAsync(long issueId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string Status, int Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM deliveries WHERE issue_id = @issueId GROUP BY status", new { issueId }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Status, r => r.Count);
        return new DeliveryCounts(
            rows.GetValueOrDefault(DeliveryStatus.Sent),
            rows.GetValueOrDefault(DeliveryStatus.Failed),
            rows.GetValueOrDefault(DeliveryStatus.Pending) + rows.GetValueOrDefault(DeliveryStatus.Sending) + rows.GetValueOrDefault(DeliveryStatus.Retry),
            rows.GetValueOrDefault(DeliveryStatus.Retry));
    }

    /// <summary>When the next retry of an issue is due, if any.</summary>
    public async Task<DateTimeOffset?> NextRetryAsync(long issueId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(
            "SELECT MIN(next_attempt_at) FROM deliveries WHERE issue_id = @issueId AND status = 'retry'", new { issueId }, cancellationToken: cancellationToken));
    }
}

/// <summary>Who holds an issue's sender lease, and when it last said so.</summary>
internal sealed record LeaseHolder(string? Sender, DateTimeOffset? SeenAt);
