using System.Security.Cryptography;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using Dapper;
using Microsoft.AspNetCore.Identity;

namespace BulletinMail.Features.Accounts;

/// <summary>An editor's account as stored (the password hash never leaves this class).</summary>
public sealed record UserAccount(long Id, string Name, string Role, DateTimeOffset? DelayedUntil, DateTimeOffset? LastLoginAt);

/// <summary>What a session of an account is checked against on every request: its role now, and its stamp.</summary>
public sealed record UserSession(long Id, string Name, string Role, string SecurityStamp);

/// <summary>The outcome of a sign-in attempt: one failure, whatever the reason, so that it tells nothing.</summary>
public enum SignInResult
{
    Success,
    Refused,
}

/// <summary>
/// Editor accounts: passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2-HMAC-SHA512, salted, 100,000 iterations); failed sign-ins slow the name and the
/// address down (<see cref="SignInThrottle"/>). Each account has a security stamp that its session
/// cookies carry: a new one ends them all.
/// </summary>
public sealed class UserStore(DbConnectionFactory connections, TimeProvider time)
{
    public const string Editor = "editor";
    public const string Admin = "admin";
    public const int MinPasswordLength = 10;
    public const int MaxNameLength = 64;

    private static readonly PasswordHasher<string> Hasher = new();

    // Unknown names are checked against this, as slowly as a real hash: no telling names apart by timing.
    private static readonly string DummyHash = Hasher.HashPassword(string.Empty, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    private const string Columns = """
        id AS Id, name AS Name, role AS Role,
        (SELECT not_before FROM sign_in_failures WHERE key = 'name:' || users.name) AS DelayedUntil, last_login_at AS LastLoginAt
        """;

    private const string SessionColumns = "id AS Id, name AS Name, role AS Role, security_stamp AS SecurityStamp";

    public static bool IsRole(string? role) => role is Editor or Admin;

    /// <summary>Adds an account.</summary>
    /// <exception cref="InvalidOperationException">The name is taken, the role unknown or the password too short.</exception>
    public async Task<UserAccount> AddAsync(string name, string role, string password, string actor, CancellationToken cancellationToken)
    {
        Validate(name, role, password);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            $"""
            INSERT INTO users (name, role, password_hash, created_at, security_stamp) VALUES (@name, @role, @hash, @now, @stamp)
            ON CONFLICT (name) DO NOTHING
            RETURNING {Columns}
            """,
            new { name, role, hash = Hasher.HashPassword(name, password), now = time.GetUtcNow(), stamp = NewStamp() },
            transaction,
            cancellationToken: cancellationToken)) ?? throw new InvalidOperationException($"user {name} already exists");
        await AuditLog.RecordAsync(connection, transaction, actor, "user.add", "user", inserted.Id, null, new { name, role }, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    /// <summary>On a database with no accounts, creates <c>admin</c> with a random password and returns it; else null.</summary>
    public async Task<string?> EnsureFirstAdminAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
        var created = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO users (name, role, password_hash, created_at, security_stamp) SELECT 'admin', @role, @hash, @now, @stamp WHERE NOT EXISTS (SELECT 1 FROM users)",
            new { role = Admin, hash = Hasher.HashPassword("admin", password), now = time.GetUtcNow(), stamp = NewStamp() },
            cancellationToken: cancellationToken));
        return created == 1 ? password : null;
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UserAccount>(new CommandDefinition($"SELECT {Columns} FROM users ORDER BY name", cancellationToken: cancellationToken))];
    }

    public async Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE name = @name", new { name }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Checks a password. Every failure is the same answer after the same work (the hash is checked
    /// for unknown names too): a wrong password, an unknown name, or a name or address that must
    /// still wait (<see cref="SignInThrottle"/>) even with the right password.
    /// </summary>
    public async Task<(SignInResult Result, UserSession? User)> SignInAsync(string name, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<HashRow>(new CommandDefinition(
            "SELECT id AS Id, password_hash AS PasswordHash FROM users WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        string[] keys = [SignInThrottle.NameKey(name), SignInThrottle.AddressKey(clientAddress)];
        var verdict = Hasher.VerifyHashedPassword(name, row?.PasswordHash ?? DummyHash, password);
        if (await SignInThrottle.IsWaitingAsync(connection, keys, now, cancellationToken))
        {
            return (SignInResult.Refused, null); // not counted: waiting out the delay is all it takes
        }

        if (row is null || verdict == PasswordVerificationResult.Failed)
        {
            var failures = await SignInThrottle.RecordFailureAsync(connection, keys[0], keys[1], now, cancellationToken);
            if (row is not null && failures == SignInThrottle.FreeFailures)
            {
                // Where the lockout was: someone may hold a session they should not; it ends.
                await NewStampAsync(connection, row.Id, cancellationToken);
            }

            return (SignInResult.Refused, null);
        }

        await SignInThrottle.ClearAsync(connection, keys, cancellationToken);
        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(name, password) : row.PasswordHash;
        var user = await connection.QuerySingleAsync<UserSession>(new CommandDefinition(
            $"""
            UPDATE users SET last_login_at = @now, password_hash = @rehash,
                security_stamp = CASE WHEN security_stamp = '' THEN @stamp ELSE security_stamp END
            WHERE id = @id RETURNING {SessionColumns}
            """,
            new { id = row.Id, now, rehash, stamp = NewStamp() },
            cancellationToken: cancellationToken));
        return (SignInResult.Success, user);
    }

    /// <summary>The account a session cookie names, as it is now; null when it no longer exists.</summary>
    public async Task<UserSession?> FindSessionAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserSession>(new CommandDefinition(
            $"SELECT {SessionColumns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends every session of the account (a sign-out ends them all, on every device).</summary>
    public async Task EndSessionsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await NewStampAsync(connection, id, cancellationToken);
    }

    /// <summary>Sets a new password, ends the account's sessions and lifts any sign-in delay of its name.</summary>
    public async Task<bool> SetPasswordAsync(string name, string password, string actor, CancellationToken cancellationToken)
    {
        ValidatePassword(password);
        if (!await ChangeAsync(
            name, "UPDATE users SET password_hash = @hash, security_stamp = @stamp WHERE name = @name RETURNING id",
            new { name, hash = Hasher.HashPassword(name, password), stamp = NewStamp() }, actor, "user.password", null, cancellationToken))
        {
            return false;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await SignInThrottle.ClearAsync(connection, [SignInThrottle.NameKey(name)], cancellationToken);
        return true;
    }

    /// <summary>Changes an account's role; its sessions end.</summary>
    /// <returns>False when there is no such account.</returns>
    /// <exception cref="InvalidOperationException">Not a role, or it would leave no admin (issue 12: the only admin demoted themselves).</exception>
    public async Task<bool> SetRoleAsync(string name, string role, string actor, CancellationToken cancellationToken)
    {
        if (!IsRole(role))
        {
            throw new InvalidOperationException($"role must be {Editor} or {Admin}, not {role}");
        }

        // A new stamp: the account's sessions end rather than keep a role it no longer has. The
        // condition keeps at least one admin even when two admins demote each other at once.
        if (await ChangeAsync(
            name,
            """
            UPDATE users SET role = @role, security_stamp = @stamp
            WHERE name = @name AND (@role = 'admin' OR role <> 'admin' OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1)
            RETURNING id
            """,
            new { name, role, stamp = NewStamp() }, actor, "user.role", new { role }, cancellationToken))
        {
            return true;
        }

        return await FindAsync(name, cancellationToken) is null
            ? false
            : throw new InvalidOperationException($"{name} is the last admin: make another account admin first");
    }

    // One audited change to an account; the password itself is never written to the log.
    private async Task<bool> ChangeAsync(string name, string sql, object parameters, string actor, string action, object? after, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        if (id is null)
        {
            return false;
        }

        await AuditLog.RecordAsync(connection, transaction, actor, action, "user", id, null, after ?? new { name }, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static void Validate(string name, string role, string password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new InvalidOperationException($"a user name is 1 to {MaxNameLength} printable characters");
        }

        if (!IsRole(role))
        {
            throw new InvalidOperationException($"role must be {Editor} or {Admin}, not {role}");
        }

        ValidatePassword(password);
    }

    private static void ValidatePassword(string password)
    {
        if (password is null || password.Length < MinPasswordLength)
        {
            throw new InvalidOperationException($"a password has at least {MinPasswordLength} characters");
        }
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static Task<int> NewStampAsync(System.Data.Common.DbConnection connection, long id, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET security_stamp = @stamp WHERE id = @id", new { id, stamp = NewStamp() }, cancellationToken: cancellationToken));

    private sealed record HashRow(long Id, string PasswordHash);
}
