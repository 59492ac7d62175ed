using BulletinMail.Data;
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
        var periods = await connection.QueryAsync<PeriodWork>(new CommandDefinition(
            """
            SELECT period AS Period, SUM(pending) AS Pending, SUM(held) AS Held FROM (
                SELECT period, 1 AS pending, 0 AS held FROM entries WHERE status = 'pending'
                UNION ALL
                SELECT period, 0 AS pending, 1 AS held FROM submissions WHERE status = 'held' AND period IS NOT NULL)
            GROUP BY period ORDER BY period
            """,
            cancellationToken: cancellationToken));
        var mail = (await connection.QueryAsync<(string Status, int Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM submissions WHERE status IN ('held', 'quarantined') GROUP BY status",
            cancellationToken: cancellationToken))).ToDictionary(r => r.Status, r => r.Count);
        return new WaitingWork([.. periods], mail.GetValueOrDefault("held"), mail.GetValueOrDefault("quarantined"));
    }
}
