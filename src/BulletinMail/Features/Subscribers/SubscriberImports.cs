using System.Security.Cryptography;
using BulletinMail.Data;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Subscribers;

/// <summary>A subscriber import: its file, its state (previewed, confirmed, done), and how far it got.</summary>
public sealed record SubscriberImport(
    string Token, string FileName, string Actor, string State, long Total, long Invalid, long Done,
    long Added, long Reactivated, long Renamed, long Unchanged, long KeptUnsubscribed, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>What an import would do: each usable row's outcome, and the invalid rows.</summary>
public sealed record ImportPreview(SubscriberList List, IReadOnlyList<ImportChange> Changes)
{
    public IReadOnlyList<ImportChange> Of(ImportOutcome outcome) => [.. Changes.Where(c => c.Outcome == outcome)];

    /// <summary>What an import does to a row, in the preview's words (also keys of the UI's texts).</summary>
    public static string Describe(ImportOutcome outcome) => outcome switch
    {
        ImportOutcome.Added => "new",
        ImportOutcome.Renamed => "changed name",
        ImportOutcome.Reactivated => "reactivated",
        ImportOutcome.KeptUnsubscribed => "kept unsubscribed",
        _ => "unchanged",
    };
}

/// <summary>
/// Subscriber imports that are previewed before they apply (issue 12 item 3): the uploaded file is
/// kept in the data folder under a random token until an editor confirms or discards it. A big list
/// is applied by a Hangfire job, a batch per transaction with its progress (issue 15 item 11); the
/// batch and the count of rows done commit together, so a job run twice, or resumed after a crash,
/// applies no row twice.
/// </summary>
public sealed partial class SubscriberImports(
    DbConnectionFactory connections, SubscriberStore subscribers, TimeProvider time, IOptions<SubscriberOptions> options, ILogger<SubscriberImports> logger)
{
    public const string Previewed = "previewed";
    public const string Confirmed = "confirmed";
    public const string Done = "done";

    private const int BatchSize = 500;

    private const string Columns = """
        token AS Token, file_name AS FileName, actor AS Actor, state AS State, total AS Total, invalid AS Invalid, done AS Done,
        added AS Added, reactivated AS Reactivated, renamed AS Renamed, unchanged AS Unchanged, kept_unsubscribed AS KeptUnsubscribed,
        created_at AS CreatedAt, finished_at AS FinishedAt
        """;

    private string Folder => Path.Combine(connections.DataDirectory, "imports");

    /// <summary>Lists above this many rows are applied by a job rather than in the request.</summary>
    public int JobThreshold => options.Value.ImportJobThreshold;

    /// <summary>Reads the file and keeps it for its preview.</summary>
    /// <exception cref="InvalidDataException">No header names the e-mail column.</exception>
    public async Task<SubscriberImport> KeepAsync(byte[] bytes, string fileName, string actor, CancellationToken cancellationToken)
    {
        var list = SubscriberCsv.Read(bytes);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Directory.CreateDirectory(Folder);
        await File.WriteAllBytesAsync(PathOf(token), bytes, cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);

        // A preview nobody confirmed within a day is dropped: the file holds people's addresses.
        foreach (var stale in await connection.QueryAsync<string>(new CommandDefinition(
            "DELETE FROM subscriber_imports WHERE state = 'previewed' AND created_at < @before RETURNING token", new { before = time.GetUtcNow().AddDays(-1) }, cancellationToken: cancellationToken)))
        {
            File.Delete(PathOf(stale));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO subscriber_imports (token, file_name, actor, state, total, invalid, created_at) VALUES (@token, @fileName, @actor, 'previewed', @total, @invalid, @now)",
            new { token, fileName = Path.GetFileName(fileName), actor, total = list.Rows.Count, invalid = list.Invalid.Count, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        return (await GetAsync(token, cancellationToken))!;
    }

    /// <summary>Reads, keeps and applies a list at once (the command line, which previews with <c>--dry-run</c>).</summary>
    /// <returns>The finished import, with its counts.</returns>
    /// <exception cref="InvalidDataException">No header names the e-mail column.</exception>
    public async Task<SubscriberImport> ImportAsync(byte[] bytes, string fileName, string actor, CancellationToken cancellationToken)
    {
        var kept = await KeepAsync(bytes, fileName, actor, cancellationToken);
        await ConfirmAsync(kept.Token, cancellationToken);
        await RunAsync(kept.Token, cancellationToken);
        return (await GetAsync(kept.Token, cancellationToken))!;
    }

    /// <summary>The import of this token; null for an unknown or malformed token.</summary>
    public async Task<SubscriberImport?> GetAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is not { Length: 32 } || !token.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SubscriberImport>(new CommandDefinition(
            $"SELECT {Columns} FROM subscriber_imports WHERE token = @token", new { token }, cancellationToken: cancellationToken));
    }

    /// <summary>The kept file, read again.</summary>
    public async Task<SubscriberList> ReadAsync(SubscriberImport import, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        return SubscriberCsv.Read(await File.ReadAllBytesAsync(PathOf(import.Token), cancellationToken));
    }

    /// <summary>What the kept file would do, row by row.</summary>
    public async Task<ImportPreview> PreviewAsync(SubscriberImport import, CancellationToken cancellationToken) =>
        await PreviewAsync(await ReadAsync(import, cancellationToken), cancellationToken);

    /// <summary>What a list would do, row by row; nothing is changed.</summary>
    public async Task<ImportPreview> PreviewAsync(SubscriberList list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        return new ImportPreview(list, await subscribers.PreviewImportAsync(list.Rows, cancellationToken));
    }

    /// <summary>Imports in progress, and the latest finished one.</summary>
    public async Task<IReadOnlyList<SubscriberImport>> RecentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<SubscriberImport>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM subscriber_imports WHERE state = 'confirmed'
            UNION ALL SELECT * FROM (SELECT {Columns} FROM subscriber_imports WHERE state = 'done' ORDER BY finished_at DESC LIMIT 1) AS last_done
            """, cancellationToken: cancellationToken))];
    }

    /// <summary>An editor confirmed the preview: the import may apply.</summary>
    /// <returns>False when the token is not an import waiting for confirmation.</returns>
    public async Task<bool> ConfirmAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriber_imports SET state = 'confirmed' WHERE token = @token AND state = 'previewed'", new { token }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>An editor discarded the preview: the file and its row go.</summary>
    public async Task DiscardAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM subscriber_imports WHERE token = @token AND state = 'previewed'", new { token }, cancellationToken: cancellationToken)) == 1)
        {
            File.Delete(PathOf(token));
        }
    }

    /// <summary>
    /// Applies a confirmed import from where it stands (the Hangfire job, or the request for a small
    /// list). Each batch commits with its progress only if no other run moved it meanwhile.
    /// </summary>
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(string token, CancellationToken cancellationToken)
    {
        if (await GetAsync(token, cancellationToken) is not { State: Confirmed } import)
        {
            return; // done already, discarded, or never confirmed
        }

        var rows = (await ReadAsync(import, cancellationToken)).Rows;
        var done = (int)import.Done;
        foreach (var batch in rows.Skip(done).Chunk(BatchSize))
        {
            // SQLite's calls run synchronously and do not look at the token: a stopping worker stops here, between batches.
            cancellationToken.ThrowIfCancellationRequested();
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var changes = await subscribers.ImportAsync(connection, transaction, batch, $"import:{import.FileName}", import.Actor, cancellationToken);
            int Count(ImportOutcome outcome) => changes.Count(c => c.Outcome == outcome);
            var moved = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE subscriber_imports SET done = done + @rows, added = added + @added, reactivated = reactivated + @reactivated,
                    renamed = renamed + @renamed, unchanged = unchanged + @unchanged, kept_unsubscribed = kept_unsubscribed + @kept
                WHERE token = @token AND state = 'confirmed' AND done = @done
                """,
                new
                {
                    token, done, rows = batch.Length, added = Count(ImportOutcome.Added), reactivated = Count(ImportOutcome.Reactivated),
                    renamed = Count(ImportOutcome.Renamed), unchanged = Count(ImportOutcome.Unchanged), kept = Count(ImportOutcome.KeptUnsubscribed),
                },
                transaction,
                cancellationToken: cancellationToken));
            if (moved == 0)
            {
                LogOvertaken(logger, import.FileName, done);
                return; // another run applied these rows: roll ours back
            }

            await transaction.CommitAsync(cancellationToken);
            done += batch.Length;
        }

        await using (var connection = await connections.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriber_imports SET state = 'done', finished_at = @now WHERE token = @token AND state = 'confirmed'", new { token, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        }

        File.Delete(PathOf(token));
        LogImported(logger, import.FileName, rows.Count);
    }

    private string PathOf(string token) => Path.Combine(Folder, $"{token}.csv");

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriber import {FileName}: {Rows} rows applied")]
    private static partial void LogImported(ILogger logger, string fileName, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscriber import {FileName}: another run applied the rows after {Done} meanwhile; this one stops")]
    private static partial void LogOvertaken(ILogger logger, string fileName, int done);
}
