using BulletinMail.Data;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;
using Dapper;

namespace BulletinMail.Features.Review;

/// <summary>One unit on a period's board: has it reported, what was last sent to remind it, and its last twelve months.</summary>
/// <param name="MonthlyEntries">Entries per month (not superseded or rejected), oldest first, ending with the period.</param>
public sealed record UnitBoardRow(
    UnitDefinition Unit,
    int Submissions,
    int Entries,
    DateTimeOffset? LastReminderAt,
    IReadOnlyList<int> MonthlyEntries)
{
    public bool Reported => Submissions > 0 || Entries > 0;
}

/// <summary>Who has reported for a period and who has not, unit by unit in the bulletin's order.</summary>
public sealed class UnitBoard(DbConnectionFactory connections, UnitStore units, UnitRegistry configured)
{
    public const int ChartMonths = 12;

    public async Task<(UnitRegistry Registry, IReadOnlyList<UnitBoardRow> Rows)> LoadAsync(Period period, CancellationToken cancellationToken)
    {
        var registry = await units.LoadAsync(configured.Sections, cancellationToken);
        var first = period.AddMonths(1 - ChartMonths);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var monthly = (await connection.QueryAsync<(string Unit, string Period, int Count)>(new CommandDefinition(
            """
            SELECT unit, period, COUNT(*) FROM entries
            WHERE period >= @first AND period <= @last AND unit IS NOT NULL AND status NOT IN ('superseded', 'rejected', 'held')
            GROUP BY unit, period
            """,
            new { first = first.ToString(), last = period.ToString() },
            cancellationToken: cancellationToken))).ToLookup(r => r.Unit);
        var submitted = (await connection.QueryAsync<(string Unit, int Count)>(new CommandDefinition(
            "SELECT unit, COUNT(*) FROM submissions WHERE period = @period AND unit IS NOT NULL AND status IN ('parsed', 'held') GROUP BY unit",
            new { period = period.ToString() },
            cancellationToken: cancellationToken))).ToDictionary(r => r.Unit, r => r.Count);
        var reminded = (await connection.QueryAsync<(string Unit, DateTimeOffset At)>(new CommandDefinition(
            "SELECT unit, MAX(sent_at) FROM reminders WHERE period = @period GROUP BY unit",
            new { period = period.ToString() },
            cancellationToken: cancellationToken))).ToDictionary(r => r.Unit, r => r.At);

        var rows = registry.InBulletinOrder()
            .Select(unit =>
            {
                var counts = monthly[unit.Name].ToDictionary(r => r.Period, r => r.Count);
                var months = Enumerable.Range(0, ChartMonths).Select(i => counts.GetValueOrDefault(first.AddMonths(i).ToString())).ToList();
                return new UnitBoardRow(
                    unit,
                    submitted.GetValueOrDefault(unit.Name),
                    months[^1],
                    reminded.TryGetValue(unit.Name, out var at) ? at : null,
                    months);
            })
            .ToList();
        return (registry, rows);
    }
}
