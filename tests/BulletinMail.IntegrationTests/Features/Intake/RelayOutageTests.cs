using System.Globalization;
using System.Text.Json;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Units;
using BulletinMail.IntegrationTests.Servers;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>
/// The mail intake causes (acknowledgements, subscription confirmations) goes through the
/// outgoing-mail queue: a relay that is down or refuses for now delays that mail and nothing else.
/// Through the real executable, with the relay a closed port, then Postfix's smtp-sink.
/// </summary>
public sealed class RelayOutageTests : IDisposable
{
    private const string Suzhou = "report@suzhou.example.org";
    private readonly string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bm-relay-{Guid.NewGuid():N}")).FullName;
    private readonly int port = FreePort.Next();

    private string Data => Path.Combine(root, "data");

    private string Maildir => Path.Combine(root, "Maildir");

    private Dictionary<string, string> Relay => new()
    {
        ["BULLETINMAIL_Outbound__Kind"] = "smtp",
        ["BULLETINMAIL_Digest__PublicUrl"] = "https://bulletin.example.org",
        ["BULLETINMAIL_Outbound__From"] = "bulletin@bulletin.example.org",
        ["BULLETINMAIL_Outbound__RetryAfter"] = "00:00:01",
        ["BULLETINMAIL_Outbound__Smtp__Host"] = "127.0.0.1",
        ["BULLETINMAIL_Outbound__Smtp__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["BULLETINMAIL_Outbound__Smtp__Security"] = "None",
        ["BULLETINMAIL_Outbound__Smtp__MessageTimeout"] = "00:00:05",
    };

    private Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => CliProcess.RunAsync(Data, Relay, args);

    private async Task<JsonElement> IngestAsync()
    {
        var (exit, stdout, stderr) = await RunAsync("ingest", "--once", "--maildir", Maildir, "--format", "json");
        Assert.True(exit == 0, $"ingest failed ({exit}): {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.Clone();
    }

    private async Task DeliverAsync(MimeMessage message)
    {
        using var bytes = new MemoryStream();
        await message.WriteToAsync(bytes);
        await MaildirMailbox.DeliverAsync(Maildir, bytes.ToArray(), CancellationToken.None);
    }

    private async Task RegisterSuzhouAsync() => Assert.Equal(0, (await RunAsync("units", "add", "苏州市", "--sender", Suzhou)).Exit);

    [Fact]
    public async Task ARelayThatIsDown_DelaysTheMailIntakeCauses_AndNothingElse()
    {
        await RegisterSuzhouAsync();
        await DeliverAsync(Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。"));
        await DeliverAsync(Reports.Plain(Suzhou, "苏州市科协6月工作情况(二)", "6月5日,举办年会。"));
        await DeliverAsync(Reports.Plain("reader@example.org", "订阅", "请把简报发给我。"));

        // Nothing listens on the relay's port: the poll still succeeds, and every message leaves the inbox.
        var first = await IngestAsync();
        Assert.Equal(3, first.GetProperty("processed").GetInt32());
        Assert.Equal(0, first.GetProperty("mailSent").GetInt32());
        Assert.Equal(3, first.GetProperty("mailWaiting").GetInt64());
        Assert.Contains("cannot reach the relay", first.GetProperty("mailError").GetString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(Maildir, "new")));
        using (var submissions = JsonDocument.Parse((await RunAsync("submissions", "list", "--format", "json")).Stdout))
        {
            Assert.Equal(["ignored", "parsed", "parsed"], submissions.RootElement.EnumerateArray().Select(s => s.GetProperty("status").GetString()).Order(StringComparer.Ordinal));
        }

        // status says what waits and why.
        var status = await RunAsync("status", "--format", "json");
        using (var health = JsonDocument.Parse(status.Stdout))
        {
            var mail = health.RootElement.GetProperty("outgoingMail");
            Assert.Equal(3, mail.GetProperty("waiting").GetInt64());
            Assert.Contains("cannot reach the relay", mail.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        }

        // The relay is back: the next round sends each waiting message once.
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "sink"), port);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the first retry's wait (Outbound:RetryAfter)
        var second = await IngestAsync();
        Assert.Equal(3, second.GetProperty("mailSent").GetInt32());
        Assert.Equal(0, second.GetProperty("mailWaiting").GetInt64());
        var third = await IngestAsync();
        Assert.Equal(0, third.GetProperty("mailSent").GetInt32());
        Assert.Equal([Suzhou, Suzhou, "reader@example.org"], sink.Recipients().Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task ARelayThatRefusesForNow_DoesNotFailIngest()
    {
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "sink"), port, "-r", "MAIL");
        await RegisterSuzhouAsync();
        await DeliverAsync(Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。"));

        var ingest = await IngestAsync();

        Assert.Equal(1, ingest.GetProperty("processed").GetInt32());
        Assert.Equal(1, ingest.GetProperty("mailWaiting").GetInt64());
        Assert.StartsWith("the relay answered 4", ingest.GetProperty("mailError").GetString(), StringComparison.Ordinal);
        Assert.Empty(sink.Recipients());
    }

    [Fact]
    public async Task ASubmissionThatKeepsFailing_IsQuarantinedAfterThreePolls_WithoutBlockingOthers()
    {
        await using var harness = await IntakeHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["Mailbox:Kind"] = "maildir",
            ["Mailbox:Maildir:Path"] = Maildir,
        });
        await harness.Services.GetRequiredService<BulletinMail.Features.Units.UnitStore>().AddAsync("苏州市", "测试", [Suzhou], CancellationToken.None);

        // Recorded, but its original is gone (a disk replaced, say): processing it fails every time.
        var (broken, _, _) = await harness.Submissions.RecordAsync(
            new NewSubmission("maildir:elsewhere", null, null, "lost", "mid:<lost@example.org>", "<lost@example.org>", new string('0', 64), 100, Suzhou, "lost", null, DateTimeOffset.UtcNow),
            CancellationToken.None);
        await DeliverAsync(Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。"));

        await harness.Poller.PollAsync(null, CancellationToken.None);
        Assert.Single(await harness.ListAsync(SubmissionStatus.Parsed)); // the new report is not held up
        Assert.Equal(SubmissionStatus.Received, (await harness.Submissions.GetAsync(broken, CancellationToken.None))!.Status);

        await harness.Poller.PollAsync(null, CancellationToken.None);
        await harness.Poller.PollAsync(null, CancellationToken.None);
        var quarantined = (await harness.Submissions.GetAsync(broken, CancellationToken.None))!;
        Assert.Equal(SubmissionStatus.Quarantined, quarantined.Status);
        Assert.StartsWith("processing failed 3 times, last with: ", quarantined.Reason, StringComparison.Ordinal);
    }

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
