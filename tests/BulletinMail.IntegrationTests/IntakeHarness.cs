using System.Text;
using BulletinMail.Cli;
using BulletinMail.Features.Intake;
using BulletinMail.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests;

/// <summary>
/// The intake pipeline as the worker builds it, on a fresh SQLite database in a temporary data
/// folder, against the given mailbox settings. Each test makes its own harness, hence its own rows.
/// </summary>
public sealed class IntakeHarness : IAsyncDisposable
{
    private IntakeHarness(ServiceProvider services, string dataDirectory, Dictionary<string, string?> storage)
    {
        StorageEnvironment = storage.ToDictionary(kv => $"BULLETINMAIL_{kv.Key.Replace(":", "__", StringComparison.Ordinal)}", kv => kv.Value!);
        Services = services;
        DataDirectory = dataDirectory;
    }

    public ServiceProvider Services { get; }

    public string DataDirectory { get; }

    /// <summary>The harness's database as <c>BULLETINMAIL_</c> variables, for a child process to share it (none for SQLite: it is in the data folder).</summary>
    public IReadOnlyDictionary<string, string> StorageEnvironment { get; }

    public IngestPoller Poller => Services.GetRequiredService<IngestPoller>();

    public SubmissionStore Submissions => Services.GetRequiredService<SubmissionStore>();

    public string Outbox => Path.Combine(DataDirectory, "outbox");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>tests/fixtures</c>: the parser fixtures (bulletin-021, the unit reports), a copy of the shared fixtures.</summary>
    public static string Fixtures { get; } = Path.Combine(RepositoryRoot, "tests", "fixtures");

    /// <param name="time">A clock of the test's (schedules); the system clock otherwise.</param>
    public static async Task<IntakeHarness> CreateAsync(IDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var data = Path.Combine(Path.GetTempPath(), $"bm-data-{Guid.NewGuid():N}");
        var storage = await Servers.TestStorage.SettingsAsync();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot, "config", "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConfigDirectory"] = Path.Combine(RepositoryRoot, "config"),
                ["DataDirectory"] = data,
                ["Outbound:From"] = "bulletin@bulletin.example.org",
                ["Logging:LogLevel:Default"] = "Warning",
            })
            .AddInMemoryCollection(storage)
            .AddInMemoryCollection(settings)
            .Build();
        var services = CliContext.Services(configuration, time is null ? null : s => s.AddSingleton(time));
        await services.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        return new IntakeHarness(services, data, storage);
    }

    public static Task<IntakeHarness> ForImapAsync(Servers.DovecotServer server, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mailbox:Kind"] = "imap",
            ["Mailbox:Imap:Host"] = "127.0.0.1",
            ["Mailbox:Imap:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mailbox:Imap:Security"] = "None",
            ["Mailbox:Imap:User"] = Servers.DovecotServer.User,
            ["Mailbox:Imap:Password"] = Servers.DovecotServer.Password,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return CreateAsync(settings);
    }

    public static Task<IntakeHarness> ForMaildirAsync(string maildir, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Mailbox:Kind"] = "maildir", ["Mailbox:Maildir:Path"] = maildir };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return CreateAsync(settings);
    }

    public Task<IReadOnlyList<Submission>> ListAsync(string? status = null) => Submissions.ListAsync(null, status, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BulletinMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("BulletinMail.sln not found above the test assembly");
    }
}

/// <summary>The mail the worker wrote to the outbox folder of a data folder (the embedded default outbound setting).</summary>
public static class Outbox
{
    public static IReadOnlyList<MimeMessage> Read(string dataDirectory)
    {
        var folder = Path.Combine(dataDirectory, "outbox");
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.eml").Select(f => MimeMessage.Load(f))] : [];
    }

    /// <summary>
    /// The outbox once the queued mail is sent, as the worker's sender or <c>ingest</c> does after
    /// a poll (a worker's own sender may have claimed some: wait up to 10 s for it to finish).
    /// </summary>
    public static async Task<IReadOnlyList<MimeMessage>> ReadSentAsync(IServiceProvider services, string dataDirectory)
    {
        var outgoing = services.GetRequiredService<Mail.OutgoingMail>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            await outgoing.DeliverDueAsync(CancellationToken.None);
            if ((await outgoing.ReadAsync(CancellationToken.None)).Waiting == 0)
            {
                break;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return Read(dataDirectory);
    }
}

/// <summary>Reports as units mail them: the registered sender of bulletin-021's units is <c>UNIT@units.example.org</c> where a test registers it.</summary>
public static class Reports
{
    public static MimeMessage Plain(string from, string subject, string body, string charset = "utf-8", string? messageId = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("submit@bulletin.example.org"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2016, 7, 1, 9, 0, 0, TimeSpan.FromHours(8));
        message.MessageId = messageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId("units.example.org");

        // What our MTA (authserv-id mx.bulletin.example.org, where a test configures it) stamps on mail it authenticated.
        message.Headers.Add(HeaderId.AuthenticationResults, $"mx.bulletin.example.org; dmarc=pass header.from={MailboxAddress.Parse(from).Domain}");
        var part = new TextPart("plain");
        part.SetText(Encoding.GetEncoding(charset), body);
        message.Body = part;
        return message;
    }

    public static MimeMessage Load(string testDataFile) =>
        MimeMessage.Load(Path.Combine(AppContext.BaseDirectory, "TestData", testDataFile));
}
