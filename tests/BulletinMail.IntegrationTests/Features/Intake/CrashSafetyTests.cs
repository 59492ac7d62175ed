using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BulletinMail.Features.Intake;
using MimeKit;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>The real executable, killed with SIGKILL at random moments while it ingests: nothing lost, nothing twice.</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bm-crash-{Guid.NewGuid():N}")).FullName;

    private string Maildir => Path.Combine(root, "mailbox");

    private string Data => Path.Combine(root, "data");

    [Fact]
    public async Task Ingest_StoresEveryMessageExactlyOnce_WhenKilledTwentyTimes()
    {
        var messages = 0;
        async Task DeliverAsync(int count)
        {
            for (var end = messages + count; messages < end; messages++)
            {
                var i = messages;
                var body = new StringBuilder();
                for (var line = 0; line < 3 + (i % 20); line++)
                {
                    body.Append($"6月{1 + (line % 28)}日,第{i}号报告的第{line}项活动,组织专家开展技术对接与科普宣传;");
                }

                using var bytes = new MemoryStream();
                await Reports.Plain($"unit{i % 40}@units.example.org", $"第{i}号单位6月工作情况", body.ToString()).WriteToAsync(bytes);
                await BulletinMail.Features.Intake.MaildirMailbox.DeliverAsync(Maildir, bytes.ToArray(), CancellationToken.None);
            }
        }

        await DeliverAsync(500);

        // Kills land at random moments: a third during start-up (migrations, the first poll's set-up),
        // the rest after a random number of new submissions, among the downloads, commits and moves.
        // Counting rows (not sleeping) keeps the kills inside the run however fast ingestion gets.
        var random = new Random(20161);
        var kills = 0;
        while (kills < 20)
        {
            var before = await CountSubmissionsAsync();
            using var process = Start("ingest", "--once", "--maildir", Maildir);
            var early = random.Next(3) == 0;
            var delay = TimeSpan.FromMilliseconds(random.Next(30, 250));
            var target = before + random.Next(1, 16);
            var clock = Stopwatch.StartNew();
            // An early kill comes at its moment of start-up, or at the first new row, whichever is sooner.
            while (!process.HasExited && (early
                ? clock.Elapsed < delay && await CountSubmissionsAsync() == before
                : await CountSubmissionsAsync() < target && clock.Elapsed < TimeSpan.FromSeconds(1.5)))
            {
                await Task.Delay(2);
            }

            if (process.HasExited)
            {
                // It got through everything before the kill (a kill can land late on a busy machine):
                // more mail arrives, and the kills go on.
                Assert.True(process.ExitCode == 0, $"ingest failed after {kills} kills: exit {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
                await DeliverAsync(100);
                continue;
            }

            process.Kill(); // SIGKILL
            await process.WaitForExitAsync();
            kills++;
        }

        using (var last = Start("ingest", "--once", "--maildir", Maildir))
        {
            Assert.True(await CliProcess.WaitAsync(last, TimeSpan.FromMinutes(5)), "the final ingest did not finish");
            Assert.Equal(0, last.ExitCode);
        }

        using var list = Start("submissions", "list", "--format", "json");
        var json = await list.StandardOutput.ReadToEndAsync();
        await list.WaitForExitAsync();
        using var submissions = JsonDocument.Parse(json);
        var rows = submissions.RootElement.EnumerateArray().ToList();
        Assert.Equal(messages, rows.Count);
        Assert.Equal(messages, rows.Select(r => r.GetProperty("messageId").GetString()).Distinct().Count());
        Assert.DoesNotContain(rows, r => r.GetProperty("status").GetString() is "received" or "duplicate");
        Assert.Empty(Directory.GetFiles(Path.Combine(Maildir, "new")));
        Assert.Equal(messages, Directory.GetFiles(Path.Combine(Maildir, "cur"), "*:2,*S*").Length);
    }

    [Fact]
    public async Task Ingest_KeepsMemoryBounded_ForA50MegabyteMessage()
    {
        var message = Reports.Plain("unit@units.example.org", "6月工作情况", "6月3日,召开理事会。");
        message.Body = new Multipart("mixed")
        {
            message.Body!,
            new MimePart("application", "octet-stream") { FileName = "scan.bin", Content = new MimeContent(new MemoryStream(RandomBytes(50 * 1024 * 1024))), ContentTransferEncoding = ContentEncoding.Base64 },
        };
        await using (var file = File.Create(Path.Combine(root, "big.eml")))
        {
            await message.WriteToAsync(file);
        }

        await BulletinMail.Features.Intake.MaildirMailbox.DeliverAsync(Maildir, await File.ReadAllBytesAsync(Path.Combine(root, "big.eml")), CancellationToken.None);

        using var process = Start("ingest", "--once", "--maildir", Maildir);
        long peakKb = 0;
        while (!process.HasExited)
        {
            peakKb = Math.Max(peakKb, PeakResidentKb(process.Id));
            await Task.Delay(20);
        }

        Assert.Equal(0, process.ExitCode);
        Assert.True(peakKb < 200 * 1024, $"peak resident memory {peakKb / 1024} MB for a 68 MB message");
    }

    private long lastCount;

    // Read with a connection of our own (WAL lets it read beside the writer); a failed read repeats the last count.
    private async Task<long> CountSubmissionsAsync()
    {
        var database = Path.Combine(Data, "bulletinmail.db");
        if (!File.Exists(database))
        {
            return lastCount;
        }

        try
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False;Default Timeout=5");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM submissions";
            return lastCount = (long)(await command.ExecuteScalarAsync())!;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return lastCount; // not created yet, or mid-migration
        }
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(50).NextBytes(bytes);
        return bytes;
    }

    private static long PeakResidentKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // exited between the check and the read
        }
    }

    private Process Start(params string[] args) => CliProcess.Start(Data, null, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
