using System.Net;
using System.Text.RegularExpressions;
using BulletinMail.Features.Accounts;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>
/// The worker as <c>run</c> builds it (jobs, pages, dashboard), listening on a free loopback port,
/// on a fresh data folder whose Maildir is <see cref="Maildir"/>. Each test makes its own.
/// </summary>
public sealed partial class WebHarness : IAsyncDisposable
{
    public const string EditorName = "ed";
    public const string AdminName = "boss";
    public const string Password = "correct-horse-battery";

    private static readonly SemaphoreSlim HangfireStatics = new(1, 1);

    /// <summary>Hangfire's warnings and errors, from every host of the test run (its logging is process-wide).</summary>
    private static readonly LogCapture HangfireLog = new();

    private static readonly ILoggerFactory HangfireLoggerFactory = LoggerFactory.Create(logging => logging.AddProvider(HangfireLog));

    private readonly bool ownsDataDirectory;

    private WebHarness(WebApplication app, string dataDirectory, bool ownsDataDirectory, LogCapture log)
    {
        Log = log;
        App = app;
        DataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
        BaseAddress = new Uri(app.Urls.First());
    }

    public WebApplication App { get; }

    /// <summary>The host's warnings and errors.</summary>
    public LogCapture Log { get; }

    public IServiceProvider Services => App.Services;

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public string Maildir => Path.Combine(DataDirectory, "mailbox");

    /// <param name="settings">Configuration on top of the test defaults (a real mailbox, SMTP, digest settings).</param>
    public static async Task<WebHarness> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var harness = await StartAsync(NewDataDirectory(), ownsDataDirectory: true, await Servers.TestStorage.SettingsAsync(), settings);
        var users = harness.Services.GetRequiredService<UserStore>();
        await users.AddAsync(EditorName, UserStore.Editor, Password, "test", CancellationToken.None);
        await users.AddAsync(AdminName, UserStore.Admin, Password, "test", CancellationToken.None);
        return harness;
    }

    /// <summary>
    /// A second worker on this one's database, as behind a load balancer. On PostgreSQL it has a data
    /// folder of its own, as on another machine; on SQLite it shares this one's, where the database is.
    /// </summary>
    public Task<WebHarness> StartAnotherWorkerAsync()
    {
        var storage = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = App.Configuration["Storage:Provider"],
            ["Storage:ConnectionString"] = App.Configuration["Storage:ConnectionString"],
        };
        return storage["Storage:Provider"] == "postgres"
            ? StartAsync(NewDataDirectory(), ownsDataDirectory: true, storage, settings: null)
            : StartAsync(DataDirectory, ownsDataDirectory: false, storage, settings: null);
    }

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), $"bm-web-{Guid.NewGuid():N}");

    private static async Task<WebHarness> StartAsync(string data, bool ownsDataDirectory, IDictionary<string, string?> storage, IDictionary<string, string?>? settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(IntakeHarness.RepositoryRoot, "config", "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConfigDirectory"] = Path.Combine(IntakeHarness.RepositoryRoot, "config"),
                ["DataDirectory"] = data,
                ["Web:Urls"] = "http://127.0.0.1:0",
                ["Outbound:From"] = "bulletin@bulletin.example.org",
                ["Intake:PollCron"] = "0 0 1 1 *", // the tests poll when they want to
                ["Logging:LogLevel:Default"] = "Warning",
            })
            .AddInMemoryCollection(storage)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var log = new LogCapture();
        WebApplication app;

        // Hangfire keeps its storage, job activator and log provider in statics that each host sets
        // as it starts, and reads back while it starts. One worker per process never notices; tests
        // start hosts side by side. Started one at a time, each host keeps its own storage (else it
        // can enqueue into another host's database). Hangfire's log then goes to a factory that
        // lives as long as the process, not to the last host's, which is disposed with that host.
        await HangfireStatics.WaitAsync();
        try
        {
            app = WebApp.Build(configuration);
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);
            await app.StartAsync();
            Hangfire.Logging.LogProvider.SetCurrentLogProvider(new Hangfire.AspNetCore.AspNetCoreLogProvider(HangfireLoggerFactory));
        }
        finally
        {
            HangfireStatics.Release();
        }

        return new WebHarness(app, data, ownsDataDirectory, log);
    }

    /// <summary>Imports bulletin-021 (91 entries, 2016-06) as pending entries.</summary>
    public async Task<long> ImportBulletinAsync()
    {
        var importer = Services.GetRequiredService<ReportImporter>();
        var (id, _, _) = await importer.ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), new Period(2016, 6), null, CancellationToken.None);
        return id;
    }

    /// <summary>Delivers a message to the Maildir and ingests it at once.</summary>
    public async Task<IReadOnlyList<Submission>> DeliverAsync(MimeKit.MimeMessage message)
    {
        using var bytes = new MemoryStream();
        await message.WriteToAsync(bytes);
        await MaildirMailbox.DeliverAsync(Maildir, bytes.ToArray(), CancellationToken.None);
        await Services.GetRequiredService<IngestPoller>().PollAsync(null, CancellationToken.None);

        // The worker's own poll may have recorded the message first and still be processing it.
        var submissions = Services.GetRequiredService<SubmissionStore>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await submissions.ListAsync(null, SubmissionStatus.Received, CancellationToken.None)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return await submissions.ListAsync(null, null, CancellationToken.None);
    }

    /// <summary>
    /// Waits for a Hangfire job to send the period's issue: about a second, but up to 90 s, which
    /// allows for one automatic retry (15–45 s later). Fails saying what Hangfire held.
    /// </summary>
    public async Task WaitUntilSentAsync(string period)
    {
        var issues = Services.GetRequiredService<BulletinMail.Features.Bulletins.IssueStore>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string state;
        while ((state = (await issues.GetAsync(period, CancellationToken.None))!.State) != BulletinMail.Features.Bulletins.IssueState.Sent && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(state == BulletinMail.Features.Bulletins.IssueState.Sent, $"the issue is {state} after 90 s; jobs: {Jobs()}");
    }

    /// <summary>What Hangfire holds (failed, scheduled, processing, enqueued), for a test's failure message.</summary>
    public string Jobs()
    {
        var monitor = Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var lines = new List<string>();
        lines.AddRange(monitor.FailedJobs(0, 10).Select(j => $"failed {j.Key} {j.Value.Job?.Method.Name}: {j.Value.ExceptionType}: {j.Value.ExceptionMessage}"));
        lines.AddRange(monitor.ScheduledJobs(0, 10).Select(j => $"scheduled {j.Key} {j.Value.Job?.Method.Name} for {j.Value.EnqueueAt:O}"));
        lines.AddRange(monitor.ProcessingJobs(0, 10).Select(j => $"processing {j.Key} {j.Value.Job?.Method.Name} since {j.Value.StartedAt:O}"));
        lines.AddRange(monitor.EnqueuedJobs("default", 0, 10).Select(j => $"enqueued {j.Key} {j.Value.Job?.Method.Name} at {j.Value.EnqueuedAt:O}"));
        lines.AddRange(monitor.Servers().Select(s => $"server {s.Name}: {s.WorkersCount} workers, heartbeat {s.Heartbeat:O}"));
        return $"now {DateTime.UtcNow:O}; {string.Join("; ", lines)}; log: {string.Join(" | ", Log.Lines)}; Hangfire's log (all hosts): {string.Join(" | ", HangfireLog.Lines)}";
    }

    /// <summary>A client that keeps cookies and does not follow redirects (tests look at them).</summary>
    public HttpClient Client(string? acceptLanguage = "zh-CN")
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (acceptLanguage is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        return client;
    }

    /// <summary>Signs in through the login form, antiforgery token and all.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string name, string password)
    {
        ArgumentNullException.ThrowIfNull(client);
        var token = await TokenAsync(client, "/login");
        return await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name,
            ["password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    public async Task<HttpClient> SignedInAsync(string name = EditorName)
    {
        var client = Client();
        var response = await SignInAsync(client, name, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token of a page's forms.</summary>
    public static async Task<string> TokenAsync(HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        return TokenPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException($"no antiforgery token on {path}");
    }

    /// <summary>Posts a form with the page's antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, IDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = await TokenAsync(client, page) };
        return await client.PostAsync(new Uri(action, UriKind.Relative), new FormUrlEncodedContent(form));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
