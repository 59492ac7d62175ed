using System.Collections.Concurrent;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>The subscribe form's limit per client, timed against the running worker (<c>run</c>), not a test host.</summary>
public sealed class RunRateLimitTests : IDisposable
{
    private readonly string data = Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bm-run-{Guid.NewGuid():N}")).FullName, "data");
    private System.Diagnostics.Process? worker;

    [Fact]
    public async Task Subscribe_TakesTenRequestsAtOnce_ThenRefusesWith429()
    {
        worker = CliProcess.Start(data, new Dictionary<string, string>
        {
            ["BULLETINMAIL_Web__Urls"] = "http://127.0.0.1:0",
            ["BULLETINMAIL_Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information", // the "Now listening on" line
        }, "run");
        var port = await CliProcess.ListeningPortAsync(worker, new ConcurrentQueue<string>());
        using var handler = new HttpClientHandler { UseCookies = true };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await SubscriptionAbuseTests.AssertTenAtOnceThen429Async(client);
    }

    public void Dispose()
    {
        if (worker is { HasExited: false })
        {
            worker.Kill(entireProcessTree: true);
            worker.WaitForExit();
        }

        worker?.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(data)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
