using System.Diagnostics;
using System.Text;

namespace BulletinMail.IntegrationTests;

/// <summary>The real executable as a child process, on the repository's config and a data folder of the test's.</summary>
public static class CliProcess
{
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
