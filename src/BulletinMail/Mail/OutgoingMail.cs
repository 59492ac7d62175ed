using System.Data.Common;
using BulletinMail.Data;
using Dapper;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Mail;

/// <summary>What waits in the outgoing-mail queue: shown by <c>status</c> and <c>/healthz</c>.</summary>
/// <param name="Waiting">Messages not yet sent (retrying or due).</param>
/// <param name="OldestWaitingAgeSeconds">How long the oldest of them has waited.</param>
/// <param name="LastError">Why the last attempt failed, while anything waits.</param>
/// <param name="Failed">Messages given up on (a recipient refused, or days of failures).</param>
public sealed record OutgoingMailReport(long Waiting, double? OldestWaitingAgeSeconds, string? LastError, long Failed);

/// <summary>
/// Mail the worker sends because of something it stored — acknowledgements, subscription
/// confirmations, reminders, draft notices. It is queued in the same transaction as that outcome
/// (so it is neither lost nor sent for an outcome that was rolled back) and sent after the commit
/// by <see cref="DeliverDueAsync"/>, which retries with backoff: a relay outage delays this mail
/// and nothing else. Sending is at least once; a message keeps its Message-ID across retries.
/// </summary>
public sealed partial class OutgoingMail(
    DbConnectionFactory connections, IOutboundMailer mailer, IOptions<OutboundOptions> options, TimeProvider time, ILogger<OutgoingMail> logger) : IDisposable
{
    /// <summary>A message still failing this long after it was queued is given up on.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(3);

    // A claimed message is not due again for this long: another worker's round skips it meanwhile.
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    private const string Insert = """
        INSERT INTO mail_queue (message_id, purpose, recipients, content, created_at, next_attempt_at)
        VALUES (@MessageId, @Purpose, @Recipients, @Content, @Now, @Now)
        ON CONFLICT (message_id) DO NOTHING
        """;

    private const string SelectDue = """
        SELECT id AS Id, content AS Content, attempts AS Attempts, created_at AS CreatedAt FROM mail_queue
        WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @Now
        ORDER BY id LIMIT 20
        """;

    private const string ClaimDue = """
        UPDATE mail_queue SET next_attempt_at = @Until
        WHERE id = @Id AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @Now
        """;

    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>Queues a message within the caller's transaction (once per Message-ID).</summary>
    public static async Task EnqueueAsync(DbConnection connection, DbTransaction transaction, MimeMessage message, string purpose, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(message);
        message.MessageId ??= MimeKit.Utils.MimeUtils.GenerateMessageId();
        using var content = new MemoryStream();
        await message.WriteToAsync(content, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            message.MessageId,
            Purpose = purpose,
            Recipients = string.Join(", ", message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)),
            Content = content.ToArray(),
            Now = now,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Queues a message in a transaction of its own and wakes the sender.</summary>
    public async Task EnqueueAsync(MimeMessage message, string purpose, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnqueueAsync(connection, transaction, message, purpose, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Wake();
    }

    /// <summary>Tells the worker's sender (<see cref="WaitAsync"/>) that mail was queued.</summary>
    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already woken
        }
    }

    /// <summary>Waits until mail is queued in this process or the interval passes.</summary>
    public async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken) =>
        await wake.WaitAsync(interval, cancellationToken);

    /// <summary>
    /// Sends the messages that are due, oldest first. A message a recipient's server refused for
    /// good (5xx to RCPT TO) is given up at once; any other failure (the relay down, slow,
    /// refusing us) is retried after a growing delay, and ends this round: the next messages
    /// would fail alike.
    /// </summary>
    /// <returns>How many were sent.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        await using var connection = await connections.OpenAsync(cancellationToken);
        while (true)
        {
            var now = time.GetUtcNow();
            var due = (await connection.QueryAsync<DueRow>(new CommandDefinition(SelectDue, new { Now = now }, cancellationToken: cancellationToken))).ToList();
            if (due.Count == 0)
            {
                return sent;
            }

            foreach (var row in due)
            {
                if (await connection.ExecuteAsync(new CommandDefinition(ClaimDue, new { row.Id, Now = now, Until = now + ClaimFor }, cancellationToken: cancellationToken)) == 0)
                {
                    continue; // another worker has it
                }

                using var message = await MimeMessage.LoadAsync(new MemoryStream(row.Content, writable: false), cancellationToken);
                try
                {
                    await mailer.SendAsync(message, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
                {
                    var refused = ex is SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted } command && (int)command.StatusCode >= 500;
                    var failedAt = time.GetUtcNow();
                    var givenUp = refused || failedAt - row.CreatedAt > GiveUpAfter;
                    var retryIn = RetryDelay(row.Attempts + 1, options.Value.RetryAfter);
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE mail_queue SET attempts = attempts + 1, next_attempt_at = @Next, failed_at = @FailedAt, last_error = @Error WHERE id = @Id",
                        new { row.Id, Next = failedAt + retryIn, FailedAt = givenUp ? failedAt : (DateTimeOffset?)null, Error = Describe(ex) },
                        cancellationToken: CancellationToken.None));
                    LogFailed(message.MessageId ?? "?", Describe(ex), givenUp ? "given up" : $"retried in {retryIn}");
                    if (refused)
                    {
                        continue;
                    }

                    return sent;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE mail_queue SET attempts = attempts + 1, sent_at = @Now, last_error = NULL WHERE id = @Id",
                    new { row.Id, Now = time.GetUtcNow() },
                    cancellationToken: CancellationToken.None));
                sent++;
            }
        }
    }

    public void Dispose() => wake.Dispose();

    /// <summary>The queue as an operator sees it.</summary>
    public async Task<OutgoingMailReport> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<ReportRow>(new CommandDefinition(
            """
            SELECT
                (SELECT COUNT(*) FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL) AS Waiting,
                (SELECT MIN(created_at) FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL) AS OldestWaiting,
                (SELECT last_error FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL AND last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1) AS LastError,
                (SELECT COUNT(*) FROM mail_queue WHERE failed_at IS NOT NULL) AS Failed
            """,
            cancellationToken: cancellationToken));
        double? age = row.OldestWaiting is { } oldest ? Math.Round((time.GetUtcNow() - oldest).TotalSeconds) : null;
        return new OutgoingMailReport(row.Waiting, age, row.LastError, row.Failed);
    }

    /// <summary>The first wait after the first failure, doubled after each one, at most an hour.</summary>
    internal static TimeSpan RetryDelay(int attempts, TimeSpan first) =>
        TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, first.Ticks << Math.Clamp(attempts - 1, 0, 20)));

    /// <summary>A failure in the relay's words where it gave some.</summary>
    internal static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException command => $"the relay answered {(int)command.StatusCode} {command.Message.Trim()}",
        SmtpProtocolException protocol => $"the relay broke the SMTP protocol: {protocol.Message}",
        System.Net.Sockets.SocketException or IOException { InnerException: System.Net.Sockets.SocketException } or TimeoutException => $"cannot reach the relay: {ex.Message}",
        _ => ex.Message,
    };

    private sealed class DueRow
    {
        public long Id { get; init; }

        public required byte[] Content { get; init; }

        public int Attempts { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }
    }

    private sealed class ReportRow
    {
        public long Waiting { get; init; }

        public DateTimeOffset? OldestWaiting { get; init; }

        public string? LastError { get; init; }

        public long Failed { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued mail {MessageId} not sent: {Error}; {Next}")]
    private partial void LogFailed(string messageId, string error, string next);
}
