using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BulletinMail.IntegrationTests.Servers;
using Dapper;
using Xunit.Abstractions;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>The worker as an operator runs it (<c>run</c>), on port 0, against a real Dovecot: IDLE → a poll in the worker → stored.</summary>
public sealed partial class WorkerProcessTests(DovecotServer dovecot, ITestOutputHelper output) : IClassFixture<DovecotServer>, IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), $"bm-worker-{Guid.NewGuid():N}");
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> log = new();
    private Process? running;

    [Fact]
    public async Task Run_RecordsEachReportWithinSeconds_WhileIdleIsUp()
    {
        var folder = $"w{Guid.NewGuid():N}"[..12];
        using (var client = await dovecot.ConnectAsync())
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(folder, isMessageFolder: true);
        }

        using (var add = Start(folder, "units", "add", "苏州市", "--sender", "report@suzhou.example.org"))
        {
            await add.WaitForExitAsync();
            Assert.Equal(0, add.ExitCode);
        }

        // The schedule polls once a year: only IDLE can bring these reports in.
        var worker = running = Start(folder, "run"); // Dispose stops it, whether the test passes or not
        var port = await CliProcess.ListeningPortAsync(worker, log);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForAsync(async () => (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the worker never polled successfully");
        await WaitForAsync(() => Task.FromResult(log.Any(l => l.Contains("Waiting for new mail in", StringComparison.Ordinal))), TimeSpan.FromSeconds(30), "IDLE never started");

        // Three reports at different moments; the issue wants each recorded within 5 s of its
        // arrival. Allowed 10 s here (a busy machine), and the times are reported.
        var latencies = new List<TimeSpan>();
        foreach (var (day, pause) in ((int, int)[])[(3, 0), (12, 4), (21, 9)])
        {
            await Task.Delay(TimeSpan.FromSeconds(pause));
            await dovecot.AppendAsync([Reports.Plain("report@suzhou.example.org", "苏州市科协6月工作情况", $"6月{day}日,召开理事会;6月{day + 1}日,举办年会。")], folder);
            var arrived = Stopwatch.StartNew();
            var expected = 2 * (latencies.Count + 1);
            await WaitForAsync(
                async () =>
                {
                    await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "bulletinmail.db")}");
                    return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entries WHERE status = 'pending'") == expected;
                },
                TimeSpan.FromSeconds(10),
                $"report {latencies.Count + 1} was not recorded within 10 s of its arrival (earlier ones: {string.Join(", ", latencies)})");
            latencies.Add(arrived.Elapsed);
        }

        output.WriteLine($"IDLE: reports recorded {string.Join(", ", latencies.Select(l => $"{l.TotalSeconds:0.0} s"))} after their arrival");
        Assert.Contains(log, l => l.Contains($"IMAP IDLE on {folder} triggered a poll", StringComparison.Ordinal));

        // Anonymous callers see the status and ages, not the mailbox nor its errors (issue 15).
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Equal(["healthy", "lastPollAgeSeconds", "lastSuccessfulPollAgeSeconds", "oldestUnprocessedAgeSeconds", "workersAlive", "mailboxPolling"], health.RootElement.EnumerateObject().Select(p => p.Name));
    }

    private Process Start(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "BulletinMail.dll"), "--config", Path.Combine(IntakeHarness.RepositoryRoot, "config", "appsettings.json"), "--data", data, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        var env = start.Environment;
        env["BULLETINMAIL_Web__Urls"] = "http://127.0.0.1:0";
        env["BULLETINMAIL_Mailbox__Kind"] = "imap";
        env["BULLETINMAIL_Mailbox__Imap__Host"] = "127.0.0.1";
        env["BULLETINMAIL_Mailbox__Imap__Port"] = dovecot.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["BULLETINMAIL_Mailbox__Imap__Security"] = "None";
        env["BULLETINMAIL_Mailbox__Imap__User"] = DovecotServer.User;
        env["BULLETINMAIL_Mailbox__Imap__Password"] = DovecotServer.Password;
        env["BULLETINMAIL_Mailbox__Imap__Folder"] = folder;
        env["BULLETINMAIL_Mailbox__Imap__ProcessedFolder"] = folder + "-done";
        env["BULLETINMAIL_Intake__PollCron"] = "0 0 1 1 *";
        env["BULLETINMAIL_Logging__LogLevel__Default"] = "Information";
        return Process.Start(start)!;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        Assert.Fail(failure);
    }


    public void Dispose()
    {
        // The worker never outlives its test, whether it passed or not; its log goes with the result.
        if (running is not null)
        {
            output.WriteLine(string.Join('\n', log));
            if (!running.HasExited)
            {
                running.Kill(entireProcessTree: true);
                running.WaitForExit();
            }

            running.Dispose();
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
