using BulletinMail.Data;
using BulletinMail.Features.Review;
using Dapper;

namespace BulletinMail.Features.Digest;

/// <summary>Subscriber statuses: only active ones receive the bulletin.</summary>
public static class SubscriberStatus
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Unsubscribed = "unsubscribed";
    public const string Suspended = "suspended";
}

public sealed record Subscriber(long Id, string Email, string? Name, string Status, string Source, long HardBounces, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? UnsubscribedAt);

/// <summary>What an import did.</summary>
public sealed record ImportResult(int Added, int Reactivated, int Unchanged, int KeptUnsubscribed, IReadOnlyList<string> Rejected);

/// <summary>The subscriber list. Addresses are kept lower-cased and unique; nobody is deleted (deliveries refer to them).</summary>
public sealed class SubscriberStore(DbConnectionFactory connections, TimeProvider time)
{
    private const string Columns = """
        id AS Id, email AS Email, name AS Name, status AS Status, source AS Source, hard_bounces AS HardBounces,
        created_at AS CreatedAt, confirmed_at AS ConfirmedAt, unsubscribed_at AS UnsubscribedAt
        """;

    public static string Normalize(string email) => (email ?? throw new ArgumentNullException(nameof(email))).Trim().ToLowerInvariant();

    public static bool IsAddress(string email) => Units.UnitStore.IsSenderAddress(email);

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

    /// <summary>Adds (or reactivates) a subscriber on an editor's word: active at once.</summary>
    /// <exception cref="ArgumentException">Not an e-mail address.</exception>
    public async Task<Subscriber> AddAsync(string email, string? name, string source, string actor, CancellationToken cancellationToken)
    {
        var (subscriber, _) = await UpsertAsync(email, name, SubscriberStatus.Active, source, reactivateUnsubscribed: true, actor, cancellationToken);
        return subscriber;
    }

    /// <summary>
    /// Imports a CSV list (a header line <c>email,name</c>): new addresses become active; people who
    /// unsubscribed stay unsubscribed (an old list must not undo their choice).
    /// </summary>
    public async Task<ImportResult> ImportCsvAsync(TextReader csv, string source, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var header = Csv.ReadRecord(await csv.ReadLineAsync(cancellationToken));
        var emailColumn = header.FindIndex(h => h.Trim().Equals("email", StringComparison.OrdinalIgnoreCase));
        var nameColumn = header.FindIndex(h => h.Trim().Equals("name", StringComparison.OrdinalIgnoreCase));
        if (emailColumn < 0)
        {
            throw new InvalidDataException("the CSV has no header line with an email column (expected: email,name)");
        }

        int added = 0, reactivated = 0, unchanged = 0, kept = 0;
        var rejected = new List<string>();
        var line = 1;
        while (await csv.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var fields = Csv.ReadRecord(text);
            var email = emailColumn < fields.Count ? fields[emailColumn].Trim() : string.Empty;
            if (!IsAddress(email))
            {
                rejected.Add($"line {line}: '{email}' is not an e-mail address");
                continue;
            }

            var name = nameColumn >= 0 && nameColumn < fields.Count ? fields[nameColumn].Trim() : null;
            var (_, outcome) = await UpsertAsync(email, name, SubscriberStatus.Active, source, reactivateUnsubscribed: false, actor, cancellationToken);
            switch (outcome)
            {
                case Upsert.Added: added++; break;
                case Upsert.Changed: reactivated++; break;
                case Upsert.KeptUnsubscribed: kept++; break;
                default: unchanged++; break;
            }
        }

        return new ImportResult(added, reactivated, unchanged, kept, rejected);
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
        await EntryStore.AuditAsync(connection, transaction, "delivery", suspended ? "subscriber.suspended" : "subscriber.bounce", "subscriber", id, null, new { HardBounces = bounces, Detail = detail }, now, cancellationToken);
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
        if (!IsAddress(email?.Trim() ?? string.Empty))
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
            await EntryStore.AuditAsync(connection, transaction, actor, $"subscriber.{status}", "subscriber", saved.Id, existing is null ? null : new { existing.Status }, new { saved.Status, Source = source }, now, cancellationToken);
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

        await EntryStore.AuditAsync(connection, transaction, actor, $"subscriber.{status}", "subscriber", id, null, new { Status = status }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

/// <summary>Just enough CSV for a subscriber list: commas, double quotes, doubled quotes inside them.</summary>
internal static class Csv
{
    public static List<string> ReadRecord(string? line)
    {
        var fields = new List<string>();
        if (line is null)
        {
            return fields;
        }

        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().TrimEnd('\r'));
        fields[0] = fields[0].TrimStart('\uFEFF'); // a BOM from spreadsheet exports
        return fields;
    }
}
