using System.Data.Common;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using Dapper;

namespace BulletinMail.Features.Units;

/// <summary>
/// The unit registry in the database: seeded from <c>config/units.json</c> at start (new units,
/// aliases and senders are added; nothing is removed), grown by <c>units add</c> and editors.
/// </summary>
public sealed class UnitStore(DbConnectionFactory connections, TimeProvider time)
{
    private const string InsertUnit = """
        INSERT INTO units (name, section, sort_order, created_at) VALUES (@Name, @Section, @Order, @Now)
        ON CONFLICT (name) DO NOTHING
        """;

    private const string UpdateSection = "UPDATE units SET section = @Section WHERE name = @Name AND @Section IS NOT NULL";

    private const string InsertAlias = """
        INSERT INTO unit_aliases (unit_id, alias) SELECT id, @Alias FROM units WHERE name = @Name
        ON CONFLICT (alias) DO NOTHING
        """;

    private const string InsertSender = """
        INSERT INTO unit_senders (unit_id, address) SELECT id, @Address FROM units WHERE name = @Name
        ON CONFLICT (address) DO NOTHING
        """;

    private const string SelectUnits = "SELECT id AS Id, name AS Name, section AS Section, sort_order AS SortOrder FROM units ORDER BY sort_order, id";

    private const string SelectAliases = "SELECT unit_id AS UnitId, alias AS Value FROM unit_aliases ORDER BY alias";

    private const string SelectSenders = "SELECT unit_id AS UnitId, address AS Value FROM unit_senders ORDER BY address";

    /// <summary>Adds the registry's units (with their aliases and senders) that the database lacks.</summary>
    public async Task SeedAsync(UnitRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var unit in registry.Units)
        {
            await AddAsync(connection, transaction, unit.Name, unit.Section, unit.Order, unit.Aliases, unit.Senders, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Adds a unit, or adds senders and aliases to an existing one (and sets its section when given).</summary>
    public async Task AddAsync(string name, string? section, IReadOnlyList<string> senders, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var order = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM units", transaction: transaction, cancellationToken: cancellationToken));
        await AddAsync(connection, transaction, name, section, order, [], senders, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpdateSection, new { Name = name, Section = section }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task AddAsync(
        DbConnection connection, DbTransaction transaction, string name, string? section, int order,
        IEnumerable<string> aliases, IEnumerable<string> senders, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(InsertUnit, new { Name = name, Section = section, Order = order, Now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
        foreach (var alias in aliases)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertAlias, new { Name = name, Alias = alias }, transaction, cancellationToken: cancellationToken));
        }

        foreach (var sender in senders)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSender, new { Name = name, Address = sender.Trim().ToLowerInvariant() }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// An editor's change to a unit: its section and order, and its aliases and sender addresses
    /// replaced by the given ones (an address another unit had moves to this one). Audited.
    /// </summary>
    /// <returns>False when there is no such unit.</returns>
    public async Task<bool> UpdateAsync(UnitDefinition unit, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM units WHERE name = @Name", unit, transaction, cancellationToken: cancellationToken));
        if (id is null)
        {
            return false;
        }

        var before = new
        {
            Unit = await connection.QuerySingleAsync<UnitRow>(new CommandDefinition(
                "SELECT id AS Id, name AS Name, section AS Section, sort_order AS SortOrder FROM units WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)),
            Aliases = await connection.QueryAsync<string>(new CommandDefinition("SELECT alias FROM unit_aliases WHERE unit_id = @id ORDER BY alias", new { id }, transaction, cancellationToken: cancellationToken)),
            Senders = await connection.QueryAsync<string>(new CommandDefinition("SELECT address FROM unit_senders WHERE unit_id = @id ORDER BY address", new { id }, transaction, cancellationToken: cancellationToken)),
        };
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE units SET section = @Section, sort_order = @Order WHERE id = @id", new { unit.Section, unit.Order, id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM unit_aliases WHERE unit_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM unit_senders WHERE unit_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        foreach (var alias in unit.Aliases.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO unit_aliases (unit_id, alias) VALUES (@id, @alias) ON CONFLICT (alias) DO UPDATE SET unit_id = excluded.unit_id",
                new { id, alias }, transaction, cancellationToken: cancellationToken));
        }

        foreach (var address in unit.Senders.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length > 0).Distinct())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO unit_senders (unit_id, address) VALUES (@id, @address) ON CONFLICT (address) DO UPDATE SET unit_id = excluded.unit_id",
                new { id, address }, transaction, cancellationToken: cancellationToken));
        }

        await AuditLog.RecordAsync(connection, transaction, actor, "unit.edit", "unit", id, before,
            new { unit.Name, unit.Section, unit.Order, unit.Aliases, unit.Senders }, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The registry as the database has it now, sections in the configured order.</summary>
    public async Task<UnitRegistry> LoadAsync(IReadOnlyList<string> sectionOrder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sectionOrder);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var units = (await connection.QueryAsync<UnitRow>(new CommandDefinition(SelectUnits, cancellationToken: cancellationToken))).ToList();
        var aliases = (await connection.QueryAsync<ValueRow>(new CommandDefinition(SelectAliases, cancellationToken: cancellationToken))).ToLookup(r => r.UnitId, r => r.Value);
        var senders = (await connection.QueryAsync<ValueRow>(new CommandDefinition(SelectSenders, cancellationToken: cancellationToken))).ToLookup(r => r.UnitId, r => r.Value);
        var sections = sectionOrder.Concat(units.Select(u => u.Section).OfType<string>()).Distinct();
        return new UnitRegistry(sections, units.Select(u => new UnitDefinition(u.Name, [.. aliases[u.Id]], u.Section, (int)u.SortOrder, [.. senders[u.Id]])));
    }

    private sealed record UnitRow(long Id, string Name, string? Section, long SortOrder);

    private sealed record ValueRow(long UnitId, string Value);
}
