using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace BulletinMail.IntegrationTests.Servers;

/// <summary>
/// A real PostgreSQL (Debian's postgresql package) for the tests: a throwaway cluster in a
/// temporary folder on a free loopback port, started once per test run and stopped when it ends.
/// Each caller gets a database of its own (<see cref="CreateDatabaseAsync"/>). <c>initdb</c> refuses
/// to run as root, so as root the cluster belongs to the <c>postgres</c> user. fsync is off: a test
/// cluster needs no durability.
/// </summary>
public sealed class PostgresServer
{
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static PostgresServer? started;

    private PostgresServer(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The cluster's superuser database, for creating the others.</summary>
    private string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>The server of this test run, started on first use.</summary>
    public static async Task<PostgresServer> StartedAsync()
    {
        await Starting.WaitAsync();
        try
        {
            return started ??= await StartAsync();
        }
        finally
        {
            Starting.Release();
        }
    }

    /// <summary>A new empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"bm_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        // Small pools that let idle connections go: many test hosts share one server.
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Maximum Pool Size=20;Connection Idle Lifetime=2;Connection Pruning Interval=1";
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var bin = System.IO.Directory.GetDirectories("/usr/lib/postgresql").Order().LastOrDefault() is { } version
            ? Path.Combine(version, "bin")
            : throw new InvalidOperationException("PostgreSQL is missing: install Debian's postgresql (tests/run.sh does)");
        var directory = Path.Combine(Path.GetTempPath(), $"bm-postgres-{Guid.NewGuid():N}");
        var port = FreePort.Next();

        await RunAsync(Path.Combine(bin, "initdb"), "-D", directory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync");
        await RunAsync(Path.Combine(bin, "pg_ctl"), "-D", directory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start",
            "-o", string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000"));

        var server = new PostgresServer(directory, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(bin);
        return server;
    }

    private void Stop(string bin)
    {
        try
        {
            using var stop = Process.Start(Command(Path.Combine(bin, "pg_ctl"), "-D", Directory, "-m", "immediate", "-w", "stop"));
            stop?.WaitForExit(20_000);
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A test run's last moments: a leftover temporary folder is no reason to fail it.
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(Command(program, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }

    // As root, as the postgres user (initdb will not run as root).
    private static ProcessStartInfo Command(string program, params string[] arguments)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asRoot)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
