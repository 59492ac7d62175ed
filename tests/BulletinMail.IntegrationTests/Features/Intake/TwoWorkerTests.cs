using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BulletinMail.IntegrationTests.Servers;
using Dapper;
using Npgsql;
using Xunit.Abstractions;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>
/// Two <c>run</c> workers on one PostgreSQL and one Dovecot folder (issue 14): one polls at a time;
/// the polling one is killed with SIGKILL mid-poll, the other takes over and finishes, and every
/// message is one submission, none lost, none twice. Always on PostgreSQL, whatever the harnesses use.
/// </summary>
[Collection(RunsAlone.Name)] // two workers, Dovecot and PostgreSQL at once: beside other tests, both are slowed and timed out
public sealed class TwoWorkerTests(DovecotServer dovecot, ITestOutputHelper output) : IClassFixture<DovecotServer>, IDisposable
{
    private const int Messages = 1000;
    private readonly string data = Path.Combine(Path.GetTempPath(), $"bm-two-{Guid.NewGuid():N}");
    private readonly List<(Process Process, ConcurrentQueue<string> Log)> workers = [];

    [Fact]
    public async Task TwoWorkers_IngestEachMessageOnce_WhenThePollingOneIsKilled()
    {
        // Skipped on the PostgreSQL pass of tests/run.sh: it is on PostgreSQL already, once is enough.
        if (TestStorage.IsPostgres)
        {
            return;
        }

        var folder = $"two{Guid.NewGuid():N}"[..12];
        using (var client = await dovecot.ConnectAsync())
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(folder, isMessageFolder: true);
        }

        var clock = Stopwatch.StartNew();
        await dovecot.AppendAsync(
            Enumerable.Range(0, Messages).Select(i => Reports.Plain($"unit{i % 40}@units.example.org", $"第{i}号单位6月工作情况", $"6月{1 + (i % 28)}日,第{i}号报告:召开理事会,组织专家开展技术对接。")),
            folder);
        output.WriteLine($"{Messages} messages appended in {clock.Elapsed.TotalSeconds:0.0} s");

        var connectionString = await (await PostgresServer.StartedAsync()).CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["BULLETINMAIL_Storage__Provider"] = "postgres",
            ["BULLETINMAIL_Storage__ConnectionString"] = connectionString,
            ["BULLETINMAIL_Web__Urls"] = "http://127.0.0.1:0",
            ["BULLETINMAIL_Mailbox__Kind"] = "imap",
            ["BULLETINMAIL_Mailbox__Imap__Host"] = "127.0.0.1",
            ["BULLETINMAIL_Mailbox__Imap__Port"] = dovecot.Port.ToString(CultureInfo.InvariantCulture),
            ["BULLETINMAIL_Mailbox__Imap__Security"] = "None",
            ["BULLETINMAIL_Mailbox__Imap__User"] = DovecotServer.User,
            ["BULLETINMAIL_Mailbox__Imap__Password"] = DovecotServer.Password,
            ["BULLETINMAIL_Mailbox__Imap__Folder"] = folder,
            ["BULLETINMAIL_Mailbox__Imap__ProcessedFolder"] = folder + "-done",
            ["BULLETINMAIL_Intake__PollCron"] = "0 0 1 1 *", // once a year: only the start-up poll and a takeover bring mail in
            ["BULLETINMAIL_Logging__LogLevel__Default"] = "Information",
            ["BULLETINMAIL_Logging__LogLevel__BulletinMail.Features.Intake.SubmissionProcessor"] = "Warning", // not a line per submission
        };

        // One data folder for both, as a shared folder would be: the originals are kept there.
        await using var db = new NpgsqlConnection(connectionString);
        clock.Restart();
        foreach (var _ in (int[])[1, 2])
        {
            var process = CliProcess.Start(data, environment, "run");
            var log = new ConcurrentQueue<string>();
            workers.Add((process, log));
            await CliProcess.ListeningPortAsync(process, log);
        }

        // Mid-poll: the lease held, some submissions stored, most still to come.
        string? holder = null;
        long before = 0;
        while (clock.Elapsed < TimeSpan.FromMinutes(2) && !(holder is not null && before >= 50))
        {
            holder = await QueryAsync(db, () => db.QuerySingleOrDefaultAsync<string>("SELECT holder FROM mailbox_leases WHERE expires_at IS NOT NULL"));
            before = await QueryAsync(db, () => db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM submissions"));
            await Task.Delay(20);
        }

        Assert.True(holder is not null && before < Messages, $"no poll to interrupt: holder {holder}, {before} submissions");
        var pid = int.Parse(holder!.Split(':')[1], CultureInfo.InvariantCulture);
        var (polling, _) = workers.Single(w => w.Process.Id == pid);
        var (other, _) = workers.Single(w => w.Process.Id != pid);
        polling.Kill(); // SIGKILL
        await polling.WaitForExitAsync();
        var killed = Stopwatch.StartNew();
        output.WriteLine($"killed the polling worker after {clock.Elapsed.TotalSeconds:0.0} s, at {before} submissions");

        while (killed.Elapsed < TimeSpan.FromMinutes(3) && (await dovecot.CountAsync(folder) > 0 || await StillPollingAsync(db)))
        {
            await Task.Delay(200);
        }

        output.WriteLine($"the other worker finished {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        Assert.Equal(0, await dovecot.CountAsync(folder));
        Assert.Equal(Messages, await dovecot.CountAsync(folder + "-done"));
        // The survivor holds (or last held) the lease: it finished the poll, by the takeover or its next scheduled poll.
        Assert.Contains($":{other.Id}:", await QueryAsync(db, () => db.QuerySingleAsync<string>("SELECT holder FROM mailbox_leases")), StringComparison.Ordinal);
        Assert.False(other.HasExited);

        var rows = (await db.QueryAsync<(string MessageId, string Status)>("SELECT message_id, status FROM submissions")).ToList();
        Assert.Equal(Messages, rows.Count);
        Assert.Equal(Messages, rows.Select(r => r.MessageId).Distinct().Count());
        Assert.DoesNotContain(rows, r => r.Status is "received" or "duplicate");
    }

    private static Task<bool> StillPollingAsync(NpgsqlConnection db) =>
        QueryAsync(db, () => db.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM mailbox_leases WHERE expires_at IS NOT NULL)"));

    // The workers create the tables as they start: until then, there is nothing to read.
    private static async Task<T?> QueryAsync<T>(NpgsqlConnection db, Func<Task<T>> query)
    {
        try
        {
            if (db.State != System.Data.ConnectionState.Open)
            {
                await db.OpenAsync();
            }

            return await query();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return default;
        }
    }

    public void Dispose()
    {
        foreach (var (process, log) in workers)
        {
            output.WriteLine($"--- worker {process.Id}");
            output.WriteLine(string.Join('\n', log.TakeLast(60)));
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
