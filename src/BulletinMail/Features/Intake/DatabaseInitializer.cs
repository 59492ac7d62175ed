using BulletinMail.Data;
using BulletinMail.Features.Units;

namespace BulletinMail.Features.Intake;

/// <summary>Brings the database up to date and seeds the unit registry from config: at every start, idempotent.</summary>
public sealed class DatabaseInitializer(MigrationRunner migrations, UnitStore units, UnitRegistry configuredUnits)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await migrations.MigrateAsync(cancellationToken);
        await units.SeedAsync(configuredUnits, cancellationToken);
    }
}
