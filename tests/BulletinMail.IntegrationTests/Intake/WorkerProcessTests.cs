using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BulletinMail.IntegrationTests.Servers;
using Dapper;

namespace BulletinMail.IntegrationTests.Intake;

/// <summary>The worker as an operator runs it (<c>run</c>), on port 0, against a real Dovecot: IDLE → Hangfire → stored.</summary>
public sealed partial class WorkerProcessTests(DovecotServer dovecot) : IClassFixture<DovecotServer>, IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), $"bm-worker-{Guid.NewGuid():N}");
    private Process? running;

    [Fact]
    public async Task Run_IngestsNewMail_AnnouncedByIdle()
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

        var worker = running = Start(folder, "run"); // Dispose stops it, whether the test passes or not
        var port = await ReadListeningPortAsync(worker);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForAsync(async () => (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the worker never polled successfully");

        await dovecot.AppendAsync([Reports.Plain("report@suzhou.example.org", "苏州市科协6月工作情况", "6月3日,召开理事会;6月5日,举办年会。")], folder);

        await WaitForAsync(async () =>
        {
            await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "bulletinmail.db")}");
            return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entries WHERE status = 'pending'") == 2 && await dovecot.CountAsync(folder) == 0;
        }, TimeSpan.FromSeconds(20), "the new report was not ingested (and moved) within 20 s of its arrival");

        // Anonymous callers see the status and ages, not the mailbox nor its errors (issue 15).
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Equal(["healthy", "lastPollAgeSeconds", "lastSuccessfulPollAgeSeconds", "oldestUnprocessedAgeSeconds"], health.RootElement.EnumerateObject().Select(p => p.Name));
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
        return Process.Start(start)!;
    }

    private static async Task<int> ReadListeningPortAsync(Process worker)
    {
        _ = worker.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await worker.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ListeningOn().Match(line) is { Success: true } match)
            {
                _ = worker.StandardOutput.ReadToEndAsync(); // keep draining
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("the worker exited before listening");
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

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();

    public void Dispose()
    {
        // The worker never outlives its test, whether it passed or not.
        if (running is not null)
        {
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
