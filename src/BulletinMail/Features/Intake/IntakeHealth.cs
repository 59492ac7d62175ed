using BulletinMail.Data;
using BulletinMail.Mail;
using BulletinMail.Platform;
using Dapper;

namespace BulletinMail.Features.Intake;

/// <summary>What an operator needs to see that intake works: a stalled poller shows within one poll interval.</summary>
public sealed record IntakeHealthReport(
    string Mailbox,
    DateTimeOffset? LastPollAt,
    DateTimeOffset? LastSuccessfulPollAt,
    string? LastError,
    double? OldestUnprocessedAgeSeconds,
    long Quarantined,
    long Held,
    long ReviewBacklog,
    OutgoingMailReport OutgoingMail,
    string? SendPaused,
    string? DiskFull,
    MailboxPoller? Poller,
    long WorkersAlive,
    bool Healthy);

/// <summary>
/// The worker that polls the mailbox now (<paramref name="Polling"/>: it holds the lease), or that
/// polled it last; as an operator reads it, "process 1234 on host".
/// </summary>
public sealed record MailboxPoller(string Worker, bool Polling, DateTimeOffset Since);

/// <summary>
/// Intake's health for anyone who asks (a monitor, a load balancer): the status and ages only. The
/// mailbox (account, host or path) and the last error are for signed-in users (issue 15). Of the
/// workers (issue 14): how many are alive and whether one polls now; which one, for signed-in users.
/// </summary>
public sealed record IntakeHealthSummary(
    bool Healthy, double? LastPollAgeSeconds, double? LastSuccessfulPollAgeSeconds, double? OldestUnprocessedAgeSeconds, long WorkersAlive, bool MailboxPolling)
{
    public static IntakeHealthSummary Of(IntakeHealthReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        double? Age(DateTimeOffset? instant) => instant is { } i ? Math.Round((now - i).TotalSeconds) : null;
        return new(
            report.Healthy, Age(report.LastPollAt), Age(report.LastSuccessfulPollAt), report.OldestUnprocessedAgeSeconds, report.WorkersAlive, report.Poller?.Polling == true);
    }
}

/// <summary>
/// Reads intake's health from its own tables: healthy while the last successful poll is recent
/// (<c>Intake:StaleAfter</c>). Mail waiting for the relay is reported beside it, and does not make
/// intake unhealthy: reports still come in.
/// </summary>
public sealed class IntakeHealth(
    DbConnectionFactory connections, IMailboxSource mailbox, OutgoingMail outgoing, MailboxLease lease, WorkerRegistry workers,
    Microsoft.Extensions.Options.IOptions<IntakeOptions> options, TimeProvider time)
{
    private const string Query = """
        SELECT
            (SELECT last_poll_at FROM mailbox_state WHERE mailbox = @mailbox) AS LastPollAt,
            (SELECT last_success_at FROM mailbox_state WHERE mailbox = @mailbox) AS LastSuccessAt,
            (SELECT last_error FROM mailbox_state WHERE mailbox = @mailbox) AS LastError,
            (SELECT MIN(created_at) FROM submissions WHERE status = 'received') AS OldestUnprocessed,
            (SELECT COUNT(*) FROM submissions WHERE status = 'quarantined') AS Quarantined,
            (SELECT COUNT(*) FROM submissions WHERE status = 'held') AS Held,
            (SELECT COUNT(*) FROM entries WHERE status = 'pending') AS Backlog,
            (SELECT 'issue ' || number || ' (' || period || '): ' || paused_reason FROM issues WHERE paused_reason IS NOT NULL ORDER BY id LIMIT 1) AS SendPaused
        """;

    public async Task<IntakeHealthReport> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(Query, new { mailbox = mailbox.Key }, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        DateTimeOffset? Parse(string? text) => text is null ? null : DapperTypeHandlers.ParseInstant(text);
        var lastSuccess = Parse(row.LastSuccessAt);
        var oldest = Parse(row.OldestUnprocessed);

        var diskFull = Durability.FreeMegabytes(connections.DataDirectory) < Durability.LowSpaceMegabytes ? Durability.DescribeDiskFull(connections.DataDirectory) : null;
        var holder = await lease.ReadAsync(mailbox.Key, cancellationToken);
        var poller = holder is null ? null : new MailboxPoller(LeaseHolderIdentity.Describe(holder.Holder), holder.Polling(now), holder.TakenAt);
        var healthy = lastSuccess is { } success && now - success <= options.Value.StaleAfter && diskFull is null;
        return new IntakeHealthReport(
            mailbox.Key, Parse(row.LastPollAt), lastSuccess, row.LastError,
            oldest is { } o ? Math.Round((now - o).TotalSeconds) : null,
            row.Quarantined, row.Held, row.Backlog, await outgoing.ReadAsync(cancellationToken), row.SendPaused, diskFull,
            poller, await workers.CountAliveAsync(cancellationToken), healthy);
    }

    private sealed class Row
    {
        public string? LastPollAt { get; init; }

        public string? LastSuccessAt { get; init; }

        public string? LastError { get; init; }

        public string? OldestUnprocessed { get; init; }

        public long Quarantined { get; init; }

        public long Held { get; init; }

        public long Backlog { get; init; }

        public string? SendPaused { get; init; }
    }
}
