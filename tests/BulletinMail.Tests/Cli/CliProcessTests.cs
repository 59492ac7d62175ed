using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace BulletinMail.Tests.Cli;

/// <summary>The real executable as a child process: exit codes, stdout and stderr as a script sees them.</summary>
public sealed class CliProcessTests
{
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunWithEnvironmentAsync(new Dictionary<string, string>(), args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BulletinMail.dll"));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Parse_PrintsJsonOnly_ForBulletin()
    {
        var (exit, stdout, stderr) = await RunAsync("parse", Path.Combine(TestPaths.Fixtures, "bulletin-021.txt"), "--period", "2016-06", "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("2016-06", json.RootElement.GetProperty("period").GetString());
        var first = json.RootElement.GetProperty("entries")[0];
        Assert.Equal("本期要闻", first.GetProperty("section").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("unit").ValueKind);
        Assert.Equal("day", first.GetProperty("date").GetProperty("precision").GetString());
        Assert.Contains("李克强总理", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_TakesPeriodAndUnitFromMail_WhenNotGiven()
    {
        var (exit, stdout, _) = await RunAsync("parse", TestPaths.Data("eml", "gb2312-labelled-gbk.eml"), "--format", "json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("2016-06", json.RootElement.GetProperty("period").GetString());
        // The subject says 苏州市科协; the registry knows it as 苏州市.
        Assert.All(json.RootElement.GetProperty("entries").EnumerateArray(), e => Assert.Equal("苏州市", e.GetProperty("unit").GetString()));
    }

    [Theory]
    [InlineData("no-such-file.txt", "no such file")]
    [InlineData("README.md", "unsupported file type")]
    public async Task Parse_ExitsOneWithOneLine_WhenFileIsBad(string file, string reason)
    {
        var (exit, stdout, stderr) = await RunAsync("parse", file == "README.md" ? "config/appsettings.json" : file, "--period", "2016-06");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_ExitsOne_WhenPeriodIsMalformed()
    {
        var (exit, _, stderr) = await RunAsync("parse", Path.Combine(TestPaths.Fixtures, "bulletin-021.txt"), "--period", "June");

        Assert.Equal(1, exit);
        Assert.Contains("not YYYY-MM", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BULLETINMAIL_Mailbox__Kind", "imap", "Mailbox:Imap:Host is required when Mailbox:Kind is imap")]
    [InlineData("BULLETINMAIL_Storage__Provider", "postgres", "Storage:ConnectionString is required when Storage:Provider is postgres")]
    [InlineData("BULLETINMAIL_Intake__TimeZone", "Mars/Olympus", "Intake:TimeZone is not a known time zone")]
    public async Task Cli_ExitsOneWithTheKey_WhenConfigurationIsBad(string variable, string value, string message)
    {
        var data = Path.Combine(Path.GetTempPath(), $"bm-config-{Guid.NewGuid():N}");
        var (exit, stdout, stderr) = await RunWithEnvironmentAsync(new Dictionary<string, string> { [variable] = value }, "--data", data, "units", "list");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: configuration: {message}", line[..Math.Min(line.Length, $"error: configuration: {message}".Length)]);
    }

    [Theory]
    [InlineData("parse")]
    [InlineData("parse", "a.txt", "--format", "xml")]
    [InlineData("no-such-command")]
    public async Task Cli_ExitsTwo_OnUsageErrors(params string[] args)
    {
        var (exit, _, stderr) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ExitsOne_WhenAKnownProxyIsNoAddress()
    {
        var data = Path.Combine(Path.GetTempPath(), $"bm-config-{Guid.NewGuid():N}");
        var (exit, _, stderr) = await RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["BULLETINMAIL_Web__KnownProxies"] = "10.0.0.1, proxy.example.org", ["BULLETINMAIL_Web__Urls"] = "http://127.0.0.1:0" }, "--data", data, "run");

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: configuration: Web:KnownProxies: \"proxy.example.org\" is neither an IP address nor a CIDR network", line, StringComparison.Ordinal);
    }
}
