using System.Data.Common;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Mail;
using Dapper;

namespace BulletinMail.Features.Subscribers;

/// <summary>Subscriber statuses: only active ones receive the bulletin.</summary>
public static class SubscriberStatus
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Unsubscribed = "unsubscribed";
    public const string Suspended = "suspended";
}

public sealed record Subscriber(long Id, string Email, string? Name, string Status, string Source, long HardBounces, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? UnsubscribedAt);

/// <summary>How many subscribers are active now, and how many the last sent issue went to (0 before the first).</summary>
public sealed record Audience(long Active, long LastSent)
{
    /// <summary>
    /// Grown by more than both <paramref name="percent"/> and <paramref name="minimum"/> since the last
    /// issue: a send then waits for an editor to confirm the count (issue 15 item 11: an import of
    /// the wrong, huge file must not reach the next send unseen).
    /// </summary>
    public bool Grew(int percent, int minimum) => Active - LastSent > minimum && Active * 100 > LastSent * (100 + percent);
}

/// <summary>What importing a row does to the subscriber list.</summary>
public enum ImportOutcome
{
    Added,
    Reactivated,
    Renamed,
    Unchanged,
    KeptUnsubscribed,
}

/// <summary>A row of an import and what it does; <see cref="OldName"/> is the name it replaces.</summary>
public sealed record ImportChange(SubscriberRow Row, ImportOutcome Outcome, string? OldName);

/// <summary>The subscriber list. Addresses are kept lower-cased and unique; nobody is deleted (deliveries refer to them).</summary>
public sealed class SubscriberStore(DbConnectionFactory connections, TimeProvider time)
{
    private const string Columns = """
        id AS Id, email AS Email, name AS Name, status AS Status, source AS Source, hard_bounces AS HardBounces,
        created_at AS CreatedAt, confirmed_at AS ConfirmedAt, unsubscribed_at AS UnsubscribedAt
        """;

    public static string Normalize(string email) => (email ?? throw new ArgumentNullException(nameof(email))).Trim().ToLowerInvariant();

    public async Task<Subscriber?> FindAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Subscriber>(new CommandDefinition(
            $"SELECT {Columns} FROM subscribers WHERE email = @email", new { email = Normalize(email) }, cancellationToken: cancellationToken));
    }

    public async Task<Subscriber?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Subscriber>(new CommandDefinition($"SELECT {Columns} FROM subscribers WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Subscriber>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<Subscriber>(new CommandDefinition(
            $"SELECT {Columns} FROM subscribers WHERE (@status IS NULL OR status = @status) ORDER BY email", new { status }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyDictionary<string, int>> CountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Status, int Count)>(new CommandDefinition("SELECT status, COUNT(*) FROM subscribers GROUP BY status", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Status, r => r.Count);
    }

    public async Task<Audience> AudienceAsync(CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT (SELECT COUNT(*) FROM subscribers WHERE status = 'active') AS Active,
                   (SELECT COUNT(*) FROM deliveries WHERE issue_id = (SELECT id FROM issues WHERE state = 'sent' ORDER BY sent_at DESC LIMIT 1)) AS LastSent
            """;
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<Audience>(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }

    /// <summary>Adds (or reactivates) a subscriber on an editor's word: active at once.</summary>
    /// <exception cref="ArgumentException">Not an e-mail address.</exception>
    public async Task<Subscriber> AddAsync(string email, string? name, string source, string actor, CancellationToken cancellationToken)
    {
        var (subscriber, _) = await UpsertAsync(email, name, SubscriberStatus.Active, source, reactivateUnsubscribed: true, actor, cancellationToken);
        return subscriber;
    }

    /// <summary>
    /// What importing each row would do, against the list as it stands: nothing is changed.
    /// Addresses are looked up a batch at a time, so a list of any size previews in bounded memory per batch.
    /// </summary>
    public async Task<IReadOnlyList<ImportChange>> PreviewImportAsync(IReadOnlyList<SubscriberRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var changes = new List<ImportChange>(rows.Count);
        foreach (var batch in rows.Chunk(500))
        {
            var existing = (await connection.QueryAsync<Subscriber>(new CommandDefinition(
                $"SELECT {Columns} FROM subscribers WHERE {connections.Dialect.IsIn("email", "@emails")}", new { emails = batch.Select(r => Normalize(r.Email)).ToArray() }, cancellationToken: cancellationToken)))
                .ToDictionary(s => s.Email, StringComparer.Ordinal);
            changes.AddRange(batch.Select(row => Classify(existing.GetValueOrDefault(Normalize(row.Email)), row)));
        }

        return changes;
    }

    /// <summary>
    /// Imports rows of a list in the caller's transaction, keyed by address, so importing the same
    /// rows again changes nothing: new addresses become active, a pending or suspended subscriber
    /// becomes active, an active one takes the list's name; people who unsubscribed stay unsubscribed
    /// and untouched (an old list must not undo their choice). Each change is audited.
    /// </summary>
    public async Task<IReadOnlyList<ImportChange>> ImportAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<SubscriberRow> rows, string source, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(rows);
        var now = time.GetUtcNow();
        var changes = new List<ImportChange>(rows.Count);
        foreach (var row in rows)
        {
            var address = Normalize(row.Email);
            var existing = await connection.QuerySingleOrDefaultAsync<Subscriber>(new CommandDefinition(
                $"SELECT {Columns} FROM subscribers WHERE email = @address", new { address }, transaction, cancellationToken: cancellationToken));
            var change = Classify(existing, row);
            changes.Add(change);
            var id = change.Outcome switch
            {
                ImportOutcome.Added => await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "INSERT INTO subscribers (email, name, status, source, created_at, confirmed_at) VALUES (@address, @Name, 'active', @source, @now, @now) RETURNING id",
                    new { address, row.Name, source, now }, transaction, cancellationToken: cancellationToken)),
                ImportOutcome.Reactivated or ImportOutcome.Renamed => await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "UPDATE subscribers SET status = 'active', name = COALESCE(@Name, name), hard_bounces = 0, confirmed_at = CASE WHEN status = 'active' THEN confirmed_at ELSE @now END WHERE id = @Id RETURNING id",
                    new { row.Name, now, existing!.Id }, transaction, cancellationToken: cancellationToken)),
                _ => (long?)null,
            };
            if (id is not null)
            {
                await AuditLog.RecordAsync(connection, transaction, actor, change.Outcome == ImportOutcome.Renamed ? "subscriber.renamed" : "subscriber.active", "subscriber", id,
                    existing is null ? null : new { existing.Status, existing.Name }, new { Status = SubscriberStatus.Active, Name = row.Name ?? existing?.Name, Source = source }, now, cancellationToken);
            }
        }

        return changes;
    }

    private static ImportChange Classify(Subscriber? existing, SubscriberRow row)
    {
        var outcome = existing switch
        {
            null => ImportOutcome.Added,
            { Status: SubscriberStatus.Unsubscribed } => ImportOutcome.KeptUnsubscribed,
            { Status: not SubscriberStatus.Active } => ImportOutcome.Reactivated,
            _ when row.Name is not null && row.Name != existing.Name => ImportOutcome.Renamed,
            _ => ImportOutcome.Unchanged,
        };
        return new ImportChange(row, outcome, existing?.Name);
    }

    /// <summary>An editor corrects a subscriber's name (none: no name); audited.</summary>
    /// <returns>False when there is no such subscriber.</returns>
    public async Task<bool> RenameAsync(string email, string? name, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<Subscriber>(new CommandDefinition(
            $"SELECT {Columns} FROM subscribers WHERE email = @email", new { email = Normalize(email) }, transaction, cancellationToken: cancellationToken));
        if (before is null)
        {
            return false;
        }

        var after = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        await connection.ExecuteAsync(new CommandDefinition("UPDATE subscribers SET name = @after WHERE id = @Id", new { after, before.Id }, transaction, cancellationToken: cancellationToken));
        await AuditLog.RecordAsync(connection, transaction, actor, "subscriber.renamed", "subscriber", before.Id, new { before.Name }, new { Name = after }, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>A subscription that waits for its confirmation (double opt-in); an active subscriber stays active.</summary>
    public async Task<Subscriber> RequestAsync(string email, string? name, string source, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(email, cancellationToken);
        if (existing is { Status: SubscriberStatus.Active })
        {
            return existing;
        }

        var (subscriber, _) = await UpsertAsync(email, name, SubscriberStatus.Pending, source, reactivateUnsubscribed: true, "subscriber", cancellationToken);
        return subscriber;
    }

    /// <summary>Confirms a pending subscription (the link of the confirmation mail was followed).</summary>
    public Task<bool> ConfirmAsync(string email, CancellationToken cancellationToken) =>
        SetStatusAsync("email = @email AND status IN ('pending', 'unsubscribed')", new { email = Normalize(email) }, SubscriberStatus.Active, "confirmed_at = @now", "subscriber", cancellationToken);

    /// <summary>Unsubscribes: from the one-click link, by mail, or by an editor.</summary>
    public Task<bool> UnsubscribeAsync(long id, string actor, CancellationToken cancellationToken) =>
        SetStatusAsync("id = @id AND status <> 'unsubscribed'", new { id }, SubscriberStatus.Unsubscribed, "unsubscribed_at = @now", actor, cancellationToken);

    /// <summary>
    /// Lifts a suspension (an admin judged the bounces the relay's fault, or the mailbox fixed):
    /// active again, the bounce count reset; audited.
    /// </summary>
    /// <returns>False when the address is not a suspended subscriber.</returns>
    public Task<bool> LiftSuspensionAsync(string email, string actor, CancellationToken cancellationToken) =>
        SetStatusAsync("email = @email AND status = 'suspended'", new { email = Normalize(email) }, SubscriberStatus.Active, "hard_bounces = 0", actor, cancellationToken);

    public async Task<bool> RemoveAsync(string email, string actor, CancellationToken cancellationToken) =>
        await FindAsync(email, cancellationToken) is { } subscriber && await UnsubscribeAsync(subscriber.Id, actor, cancellationToken);

    /// <summary>Counts a hard bounce; at <paramref name="limit"/> the subscriber is suspended.</summary>
    /// <returns>True when this bounce suspended them.</returns>
    public async Task<bool> RecordHardBounceAsync(long id, int limit, string detail, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var bounces = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "UPDATE subscribers SET hard_bounces = hard_bounces + 1 WHERE id = @id RETURNING hard_bounces", new { id }, transaction, cancellationToken: cancellationToken));
        var suspended = bounces >= limit && await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscribers SET status = 'suspended' WHERE id = @id AND status = 'active'", new { id }, transaction, cancellationToken: cancellationToken)) == 1;
        await AuditLog.RecordAsync(connection, transaction, "delivery", suspended ? "subscriber.suspended" : "subscriber.bounce", "subscriber", id, null, new { HardBounces = bounces, Detail = detail }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return suspended;
    }

    private enum Upsert
    {
        Added,
        Changed,
        Unchanged,
        KeptUnsubscribed,
    }

    private async Task<(Subscriber Subscriber, Upsert Outcome)> UpsertAsync(
        string email, string? name, string status, string source, bool reactivateUnsubscribed, string actor, CancellationToken cancellationToken)
    {
        if (!MailAddresses.IsBare(email?.Trim() ?? string.Empty))
        {
            throw new ArgumentException($"'{email}' is not an e-mail address", nameof(email));
        }

        var address = Normalize(email!);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var existing = await connection.QuerySingleOrDefaultAsync<Subscriber>(new CommandDefinition(
            $"SELECT {Columns} FROM subscribers WHERE email = @address", new { address }, transaction, cancellationToken: cancellationToken));
        Upsert outcome;
        if (existing is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO subscribers (email, name, status, source, created_at, confirmed_at)
                VALUES (@address, @name, @status, @source, @now, CASE WHEN @status = 'active' THEN @now END)
                """,
                new { address, name = string.IsNullOrWhiteSpace(name) ? null : name, status, source, now },
                transaction,
                cancellationToken: cancellationToken));
            outcome = Upsert.Added;
        }
        else if (existing.Status == status)
        {
            outcome = Upsert.Unchanged;
        }
        else if (existing.Status == SubscriberStatus.Unsubscribed && !reactivateUnsubscribed)
        {
            outcome = Upsert.KeptUnsubscribed;
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscribers SET status = @status, name = COALESCE(@name, name), hard_bounces = 0, confirmed_at = CASE WHEN @status = 'active' THEN @now ELSE confirmed_at END WHERE id = @Id",
                new { status, name = string.IsNullOrWhiteSpace(name) ? null : name, now, existing.Id },
                transaction,
                cancellationToken: cancellationToken));
            outcome = Upsert.Changed;
        }

        var saved = await connection.QuerySingleAsync<Subscriber>(new CommandDefinition($"SELECT {Columns} FROM subscribers WHERE email = @address", new { address }, transaction, cancellationToken: cancellationToken));
        if (outcome is Upsert.Added or Upsert.Changed)
        {
            await AuditLog.RecordAsync(connection, transaction, actor, $"subscriber.{status}", "subscriber", saved.Id, existing is null ? null : new { existing.Status }, new { saved.Status, Source = source }, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (saved, outcome);
    }

    private async Task<bool> SetStatusAsync(string where, object parameters, string status, string stamp, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var arguments = new DynamicParameters(parameters);
        arguments.Add("status", status);
        arguments.Add("now", now);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"UPDATE subscribers SET status = @status, {stamp} WHERE {where} RETURNING id", arguments, transaction, cancellationToken: cancellationToken));
        if (id is null)
        {
            return false;
        }

        await AuditLog.RecordAsync(connection, transaction, actor, $"subscriber.{status}", "subscriber", id, null, new { Status = status }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
