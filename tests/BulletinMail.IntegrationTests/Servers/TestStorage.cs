namespace BulletinMail.IntegrationTests.Servers;

/// <summary>
/// The database the harnesses give the product: SQLite in the test's data folder (the default), or
/// with <c>BULLETINMAIL_TEST_STORAGE=postgres</c> a fresh database on the test run's PostgreSQL, so
/// that the same store, intake, review and delivery tests run on both (tests/run.sh runs them twice).
/// </summary>
internal static class TestStorage
{
    public static bool IsPostgres => Environment.GetEnvironmentVariable("BULLETINMAIL_TEST_STORAGE") == "postgres";

    public static async Task<Dictionary<string, string?>> SettingsAsync() => IsPostgres
        ? new()
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = await (await PostgresServer.StartedAsync()).CreateDatabaseAsync(),
        }
        : [];
}
