using System.Diagnostics;
using System.Text;

namespace BulletinMail.IntegrationTests;

/// <summary>The real executable as a child process, on the repository's config and a data folder of the test's.</summary>
public static partial class CliProcess
{
    /// <summary>Keeps every line a <c>run</c> process writes (its log) in <paramref name="log"/>, and returns the port it listens on.</summary>
    public static async Task<int> ListeningPortAsync(Process worker, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(log);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task KeepAsync(StreamReader output)
        {
            while (await output.ReadLineAsync() is { } line)
            {
                log.Enqueue(line);
                if (ListeningOn().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            listening.TrySetException(new InvalidOperationException("the worker exited before listening"));
        }

        _ = KeepAsync(worker.StandardOutput);
        _ = KeepAsync(worker.StandardError);
        return await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningOn();

    public static Process Start(string data, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartUnder([], data, environment, args);

    /// <summary>Starts the executable under another program (<c>strace …</c>), which is given the command line to run.</summary>
    public static Process StartUnder(IReadOnlyList<string> wrapper, string data, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetDirectoryName(data) ?? Path.GetTempPath(),
        };
        foreach (var arg in (string[])[.. wrapper.Skip(1), .. (wrapper.Count > 0 ? (string[])["dotnet"] : []), Path.Combine(AppContext.BaseDirectory, "BulletinMail.dll"), "--config", Path.Combine(IntakeHarness.RepositoryRoot, "config", "appsettings.json"), "--data", data, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BULLETINMAIL_Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Runs a command to its end.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string data, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(data, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <returns>False when it did not exit in time.</returns>
    public static async Task<bool> WaitAsync(Process process, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
