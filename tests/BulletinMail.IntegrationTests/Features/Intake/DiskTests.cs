using System.Diagnostics;
using System.Text.RegularExpressions;
using BulletinMail.Features.Intake;
using MimeKit;
using Xunit.Abstractions;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>
/// The disk under intake, through the real executable: a batch is flushed to disk before it
/// leaves the mailbox (its system calls recorded by strace), and a full disk (a small tmpfs) is
/// told in plain words with nothing lost.
/// </summary>
public sealed partial class DiskTests(ITestOutputHelper output) : IDisposable
{
    private const string Suzhou = "report@suzhou.example.org";
    private readonly string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bm-disk-{Guid.NewGuid():N}")).FullName;
    private bool mounted;

    private string Data => Path.Combine(root, "data");

    private string Maildir => Path.Combine(root, "Maildir");

    private Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => CliProcess.RunAsync(Data, null, args);

    private async Task DeliverReportsAsync(int count)
    {
        Assert.Equal(0, (await RunAsync("units", "add", "苏州市", "--sender", Suzhou)).Exit);
        for (var i = 1; i <= count; i++)
        {
            using var bytes = new MemoryStream();
            await Reports.Plain(Suzhou, $"苏州市科协6月工作情况{i}", $"6月{i}日,召开理事会。" + new string('。', 20_000)).WriteToAsync(bytes);
            await MaildirMailbox.DeliverAsync(Maildir, bytes.ToArray(), CancellationToken.None);
        }
    }

    [Fact]
    public async Task ABatch_IsFlushedToDisk_WithItsOriginalsAndRows_BeforeItLeavesTheMailbox()
    {
        await DeliverReportsAsync(3);
        var trace = Path.Combine(root, "strace.log");

        using (var ingest = CliProcess.StartUnder(["strace", "-f", "-qq", "-e", "trace=syncfs,fsync,fdatasync,rename,renameat,renameat2", "-o", trace], Data, null, "ingest", "--once", "--maildir", Maildir))
        {
            var stderr = ingest.StandardError.ReadToEndAsync();
            await ingest.StandardOutput.ReadToEndAsync();
            await ingest.WaitForExitAsync();
            Assert.True(ingest.ExitCode == 0, await stderr);
        }

        // The calls in order: every original moved into place, then one flush, then the batch's
        // messages moved out of new/ (completed in the mailbox).
        var calls = File.ReadAllLines(trace).Select(l => SystemCall().Match(l)).Where(m => m.Success).Select(m => (Name: m.Groups["name"].Value, Args: m.Groups["args"].Value)).ToList();
        var originals = calls.FindLastIndex(c => c.Name.StartsWith("rename", StringComparison.Ordinal) && c.Args.Contains("/originals/", StringComparison.Ordinal));
        var completed = calls.FindIndex(c => c.Name.StartsWith("rename", StringComparison.Ordinal) && c.Args.Contains("/Maildir/new/", StringComparison.Ordinal));
        var flushes = calls.Select((c, i) => (c.Name, Index: i)).Where(c => c.Name == "syncfs").Select(c => c.Index).ToList();
        output.WriteLine(string.Join("\n", calls.Select(c => $"{c.Name}({c.Args[..Math.Min(c.Args.Length, 120)]})")));

        Assert.True(originals >= 0 && completed > originals, "the originals were not all stored before the first message was completed");
        var flush = Assert.Single(flushes); // one batch, one flush
        Assert.InRange(flush, originals + 1, completed - 1);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(Maildir, "cur")).Length);
    }

    [Fact]
    public async Task AFullDisk_IsToldInPlainWords_AndNothingIsLost()
    {
        Directory.CreateDirectory(Data);
        mounted = await RunToolAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", Data) == 0;
        Assert.True(mounted, "cannot mount a small tmpfs for the data folder (the test runs as root, as tests/run.sh does)");
        await DeliverReportsAsync(3);

        // Fill the data folder's disk to the last byte.
        var filler = Path.Combine(Data, "filler");
        await using (var fill = new FileStream(filler, FileMode.CreateNew))
        {
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    fill.Write(block);
                    fill.Flush();
                }
            }
            catch (IOException)
            {
                // full
            }
        }

        var failed = await RunAsync("ingest", "--once", "--maildir", Maildir);
        output.WriteLine(failed.Stderr);
        Assert.Equal(1, failed.Exit);
        Assert.StartsWith("error: disk full", failed.Stderr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", failed.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(Maildir, "new")).Length); // nothing left the mailbox

        // With no room at all SQLite cannot open the database even to read: status says why, in the same words.
        var status = await RunAsync("status");
        Assert.Equal(1, status.Exit);
        Assert.Contains("disk full: the disk of the data folder has 0.0 MB free", status.Stdout + status.Stderr, StringComparison.Ordinal);

        // Room again: the next poll takes everything in, once.
        File.Delete(filler);
        var recovered = await RunAsync("ingest", "--once", "--maildir", Maildir);
        Assert.True(recovered.Exit == 0, recovered.Stderr);
        Assert.Empty(Directory.GetFiles(Path.Combine(Maildir, "new")));
        var list = await RunAsync("submissions", "list", "--status", "parsed", "--format", "json");
        using var parsed = System.Text.Json.JsonDocument.Parse(list.Stdout);
        Assert.Equal(3, parsed.RootElement.GetArrayLength());
    }

    private static async Task<int> RunToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    // "1234  renameat(AT_FDCWD, "/tmp/…", AT_FDCWD, "/tmp/…") = 0", with or without the pid.
    [GeneratedRegex(@"^(?:\d+\s+)?(?<name>\w+)\((?<args>.*)\)\s+=\s+0")]
    private static partial Regex SystemCall();

    public void Dispose()
    {
        if (mounted)
        {
            RunToolAsync("umount", "-l", Data).GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
