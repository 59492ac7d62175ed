using BulletinMail.Data;
using BulletinMail.Features.Parsing;
using Dapper;

namespace BulletinMail.Features.Review;

/// <summary>A period with work for an editor: entries pending review and held reports.</summary>
public sealed record PeriodWork(string Period, long Pending, long Held);

/// <summary>What waits for the editors: periods with work (oldest first), and held and quarantined mail.</summary>
/// <param name="Held">Every held report, with a period or not.</param>
public sealed record WaitingWork(IReadOnlyList<PeriodWork> Periods, int Held, int Quarantined)
{
    public long Pending => Periods.Sum(p => p.Pending);
}

/// <summary>
/// Finds the work waiting, so that editors land on the month that needs them rather than on an
/// empty current one (issue 12).
/// </summary>
public sealed class WorkWaiting(DbConnectionFactory connections)
{
    public async Task<WaitingWork> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Read as a tuple: an empty result has no column types that a record's constructor would match.
        var periods = await connection.QueryAsync<(string Period, long Pending, long Held)>(new CommandDefinition(
            """
            SELECT period, CAST(SUM(pending) AS BIGINT), CAST(SUM(held) AS BIGINT) FROM (
                SELECT period, 1 AS pending, 0 AS held FROM entries WHERE status = 'pending'
                UNION ALL
                SELECT period, 0 AS pending, 1 AS held FROM submissions WHERE status = 'held' AND period IS NOT NULL) AS waiting
            GROUP BY period ORDER BY period
            """,
            cancellationToken: cancellationToken));
        var mail = (await connection.QueryAsync<(string Status, int Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM submissions WHERE status IN ('held', 'quarantined') GROUP BY status",
            cancellationToken: cancellationToken))).ToDictionary(r => r.Status, r => r.Count);
        return new WaitingWork([.. periods.Select(p => new PeriodWork(p.Period, p.Pending, p.Held))], mail.GetValueOrDefault("held"), mail.GetValueOrDefault("quarantined"));
    }
}
