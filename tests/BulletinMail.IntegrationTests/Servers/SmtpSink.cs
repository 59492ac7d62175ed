using System.Diagnostics;

namespace BulletinMail.IntegrationTests.Servers;

/// <summary>
/// Postfix's smtp-sink on a loopback port: accepts (or refuses, or drops, as told) whatever is
/// sent, and dumps each accepted transaction to a file so the tests can count who got what.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/smtp-sink";
    private readonly Process process;

    private SmtpSink(Process process, int port, string dump)
    {
        this.process = process;
        Port = port;
        DumpPath = dump;
    }

    public int Port { get; }

    public string DumpPath { get; }

    /// <param name="faults">smtp-sink options: <c>-r RCPT</c> (4xx), <c>-f RCPT</c> (5xx), <c>-q .</c> (drop after the data).</param>
    public static async Task<SmtpSink> StartAsync(string directory, int? port = null, params string[] faults)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install Debian's postfix (tests/run.sh does)");
        }

        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111); // smtp-sink writes as nobody
        var listen = port ?? FreePort.Next();
        var dump = Path.Combine(directory, $"dump-{listen}-{Guid.NewGuid():N}.txt");
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["-u", "nobody", "-D", dump, "-m", "64", .. faults, $"127.0.0.1:{listen}", "256"])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        await FreePort.WaitUntilListeningAsync(listen, TimeSpan.FromSeconds(10));
        return new SmtpSink(process, listen, dump);
    }

    /// <summary>The recipients of every accepted message, one entry per delivery (a duplicate appears twice).</summary>
    public IReadOnlyList<string> Recipients()
    {
        if (!File.Exists(DumpPath))
        {
            return [];
        }

        using var stream = new FileStream(DumpPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var recipients = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("X-Rcpt-Args: ", StringComparison.Ordinal))
            {
                recipients.Add(line["X-Rcpt-Args: ".Length..].Split(' ')[0].Trim('<', '>').ToLowerInvariant());
            }
        }

        return recipients;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
