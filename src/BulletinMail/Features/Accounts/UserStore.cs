using System.Security.Cryptography;
using BulletinMail.Data;
using BulletinMail.Features.Review;
using Dapper;
using Microsoft.AspNetCore.Identity;

namespace BulletinMail.Features.Accounts;

/// <summary>An editor's account as stored (the password hash never leaves this class).</summary>
public sealed record UserAccount(long Id, string Name, string Role, long FailedLogins, DateTimeOffset? LockedUntil, DateTimeOffset? LastLoginAt);

/// <summary>The outcome of a sign-in attempt.</summary>
public enum SignInResult
{
    Success,
    WrongNameOrPassword,
    LockedOut,
}

/// <summary>
/// Editor accounts: passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2-HMAC-SHA512, salted, 100,000 iterations); an account locks for a while after
/// <see cref="MaxFailedLogins"/> wrong passwords in a row.
/// </summary>
public sealed class UserStore(DbConnectionFactory connections, TimeProvider time)
{
    public const string Editor = "editor";
    public const string Admin = "admin";
    public const int MaxFailedLogins = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 10;

    private static readonly PasswordHasher<string> Hasher = new();

    private const string Columns = "id AS Id, name AS Name, role AS Role, failed_logins AS FailedLogins, locked_until AS LockedUntil, last_login_at AS LastLoginAt";

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
            INSERT INTO users (name, role, password_hash, created_at) VALUES (@name, @role, @hash, @now)
            ON CONFLICT (name) DO NOTHING
            RETURNING {Columns}
            """,
            new { name, role, hash = Hasher.HashPassword(name, password), now = time.GetUtcNow() },
            transaction,
            cancellationToken: cancellationToken)) ?? throw new InvalidOperationException($"user {name} already exists");
        await EntryStore.AuditAsync(connection, transaction, actor, "user.add", "user", inserted.Id, null, new { name, role }, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    /// <summary>On a database with no accounts, creates <c>admin</c> with a random password and returns it; else null.</summary>
    public async Task<string?> EnsureFirstAdminAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
        var created = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO users (name, role, password_hash, created_at) SELECT 'admin', @role, @hash, @now WHERE NOT EXISTS (SELECT 1 FROM users)",
            new { role = Admin, hash = Hasher.HashPassword("admin", password), now = time.GetUtcNow() },
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

    /// <summary>Checks a password. Wrong ones count towards the lockout; a locked account is refused even with the right one.</summary>
    public async Task<(SignInResult Result, UserAccount? User)> SignInAsync(string name, string password, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<HashRow>(new CommandDefinition(
            "SELECT id AS Id, password_hash AS PasswordHash, failed_logins AS FailedLogins, locked_until AS LockedUntil FROM users WHERE name = @name",
            new { name },
            cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        if (row is null)
        {
            Hasher.HashPassword(name, password); // as slow as a real check: no telling names apart by timing
            return (SignInResult.WrongNameOrPassword, null);
        }

        if (row.LockedUntil is { } until && until > now)
        {
            return (SignInResult.LockedOut, null);
        }

        var verdict = Hasher.VerifyHashedPassword(name, row.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            // Counted in the database, not in memory: two workers share the count, a restart keeps it.
            var failures = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                UPDATE users SET failed_logins = failed_logins + 1,
                    locked_until = CASE WHEN failed_logins + 1 >= @max THEN @lockedUntil ELSE locked_until END
                WHERE id = @id RETURNING failed_logins
                """,
                new { id = row.Id, max = MaxFailedLogins, lockedUntil = now + LockoutDuration },
                cancellationToken: cancellationToken));
            return (failures >= MaxFailedLogins ? SignInResult.LockedOut : SignInResult.WrongNameOrPassword, null);
        }

        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(name, password) : row.PasswordHash;
        var user = await connection.QuerySingleAsync<UserAccount>(new CommandDefinition(
            $"UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = @now, password_hash = @rehash WHERE id = @id RETURNING {Columns}",
            new { id = row.Id, now, rehash },
            cancellationToken: cancellationToken));
        return (SignInResult.Success, user);
    }

    /// <summary>Sets a new password and lifts any lockout.</summary>
    public Task<bool> SetPasswordAsync(string name, string password, string actor, CancellationToken cancellationToken)
    {
        ValidatePassword(password);
        return ChangeAsync(
            name, "UPDATE users SET password_hash = @hash, failed_logins = 0, locked_until = NULL WHERE name = @name RETURNING id",
            new { name, hash = Hasher.HashPassword(name, password) }, actor, "user.password", null, cancellationToken);
    }

    public Task<bool> SetRoleAsync(string name, string role, string actor, CancellationToken cancellationToken)
    {
        if (!IsRole(role))
        {
            throw new InvalidOperationException($"role must be {Editor} or {Admin}, not {role}");
        }

        return ChangeAsync(name, "UPDATE users SET role = @role WHERE name = @name RETURNING id", new { name, role }, actor, "user.role", new { role }, cancellationToken);
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

        await EntryStore.AuditAsync(connection, transaction, actor, action, "user", id, null, after ?? new { name }, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static void Validate(string name, string role, string password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(char.IsControl))
        {
            throw new InvalidOperationException("a user name is 1 to 64 printable characters");
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

    private sealed record HashRow(long Id, string PasswordHash, long FailedLogins, DateTimeOffset? LockedUntil);
}
