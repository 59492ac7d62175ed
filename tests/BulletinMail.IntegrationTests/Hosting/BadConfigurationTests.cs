namespace BulletinMail.IntegrationTests.Hosting;

/// <summary>The real executable started with a bad setting in the environment, as an operator would: exit 1, one line naming the key, no stack trace.</summary>
public sealed class BadConfigurationTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), $"bm-config-{Guid.NewGuid():N}");

    public static TheoryData<string, string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string, string>();
        foreach (var command in (string[])["run", "digest status --period 2016-06"])
        {
            cases.Add(command, "Outbound__Smtp__Concurrency", "0", "The field Outbound:Smtp:Concurrency must be between 1 and 64.");
            cases.Add(command, "Outbound__Smtp__Port", "0", "The field Outbound:Smtp:Port must be between 1 and 65535.");
            cases.Add(command, "Outbound__Smtp__MessageTimeout", "00:00:00", "The field Outbound:Smtp:MessageTimeout must be between 00:00:01 and 01:00:00.");
            cases.Add(command, "Intake__PollCron", "every minute", "Intake:PollCron is not a cron expression ('every minute'");
            cases.Add(command, "Digest__Schedule__SendCron", "every fifth at nine", "Digest:Schedule:SendCron is not a cron expression ('every fifth at nine'");
            cases.Add(command, "Outbound__Smtp__Port", "abc", "Outbound:Smtp:Port must be a whole number");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Start_ExitsOneWithOneLineNamingTheKey_WhenASettingIsBad(string command, string variable, string value, string message)
    {
        var (exit, stderr) = await RunAsync(command, new Dictionary<string, string> { [$"BULLETINMAIL_{variable}"] = value });

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr);
        Assert.StartsWith($"error: configuration: {message}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RefusesSmtp_WithoutThePublicUrlOfTheLinksInMail()
    {
        var (exit, stderr) = await RunAsync("run", new Dictionary<string, string>
        {
            ["BULLETINMAIL_Outbound__Kind"] = "smtp",
            ["BULLETINMAIL_Outbound__Smtp__Host"] = "127.0.0.1",
        });

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr);
        Assert.StartsWith("error: configuration: Digest:PublicUrl is required when Outbound:Kind is smtp", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SaysEveryBadSetting_OneLineEach()
    {
        var (exit, stderr) = await RunAsync("run", new Dictionary<string, string>
        {
            ["BULLETINMAIL_Outbound__Smtp__Concurrency"] = "0",
            ["BULLETINMAIL_Intake__PollCron"] = "every minute",
            ["BULLETINMAIL_Digest__Schedule__TimeZone"] = "Mars/Olympus",
        });

        Assert.Equal(1, exit);
        Assert.Equal(3, stderr.Count);
        Assert.All(stderr, line => Assert.StartsWith("error: configuration: ", line, StringComparison.Ordinal));
        Assert.Contains(stderr, line => line.Contains("Outbound:Smtp:Concurrency", StringComparison.Ordinal));
        Assert.Contains(stderr, line => line.Contains("Intake:PollCron", StringComparison.Ordinal));
        Assert.Contains(stderr, line => line.Contains("Digest:Schedule:TimeZone", StringComparison.Ordinal));
    }

    private async Task<(int ExitCode, List<string> Stderr)> RunAsync(string command, Dictionary<string, string> environment)
    {
        environment["BULLETINMAIL_Web__Urls"] = "http://127.0.0.1:0"; // should it start after all, no port is taken
        using var process = CliProcess.Start(data, environment, command.Split(' '));
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!await CliProcess.WaitAsync(process, TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{command}' started despite the bad setting");
        }

        return (process.ExitCode, [.. (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
    }

    public void Dispose()
    {
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
