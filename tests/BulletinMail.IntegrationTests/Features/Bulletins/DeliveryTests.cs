using System.Net;
using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Features.Units;
using BulletinMail.IntegrationTests.Servers;
using BulletinMail.IntegrationTests.Web;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests.Features.Bulletins;

/// <summary>
/// The bulletin's whole road against a real Postfix relaying into a real Dovecot: a report
/// mailed in, ingested, approved, compiled, sent, read back from a subscriber's inbox, and the
/// one-click unsubscribe; refusals per recipient; a bounce coming back.
/// </summary>
public sealed class DeliveryTests(MailSystem mail) : IClassFixture<MailSystem>, IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Mailbox:Kind"] = "imap",
        ["Mailbox:Imap:Host"] = "127.0.0.1",
        ["Mailbox:Imap:Port"] = mail.ImapPortText,
        ["Mailbox:Imap:Security"] = "None",
        ["Mailbox:Imap:User"] = "submit",
        ["Mailbox:Imap:Password"] = MailSystem.Password,
        ["Outbound:Kind"] = "smtp",
        ["Digest:PublicUrl"] = "https://bulletin.example.org",
        ["Outbound:From"] = "bulletin@bulletin.example.org",
        ["Outbound:Smtp:Host"] = "127.0.0.1",
        ["Outbound:Smtp:Port"] = mail.SmtpPortText,
        ["Outbound:Smtp:Security"] = "None",
        ["Digest:FirstNumber"] = "22",
        ["Digest:HardBounceLimit"] = "1",
        ["Digest:MaxAttempts"] = "2",
        ["Digest:RetryBase"] = "00:00:00",
        ["Intake:Acknowledge"] = "false",
    });

    public async Task DisposeAsync() => await web.DisposeAsync();

    private T Get<T>() where T : notnull => web.Services.GetRequiredService<T>();

    [Fact]
    public async Task AReport_TravelsFromAContributor_ToASubscribersInbox()
    {
        var reader = $"reader{Guid.NewGuid():N}"[..14];
        await Get<UnitStore>().AddAsync("保定市", null, ["office@baoding.example.org"], CancellationToken.None);
        await Get<SubscriberStore>().AddAsync($"{reader}@{MailSystem.SubscriberDomain}", "读者", "test", "test", CancellationToken.None);

        // A contributor's mail client sends the report through Postfix to the submission address.
        var report = Reports.Plain("office@baoding.example.org", "保定市科协2016年6月工作进展", "6月3日,召开科协全委会;6月15日,举办院士专家企业行活动。");
        report.To.Clear();
        report.To.Add(MailboxAddress.Parse(MailSystem.SubmissionAddress));
        await mail.SendAsync(report);

        // Poll until it is ingested. The host's own poll job may ingest it first (and expunge it
        // from the mailbox meanwhile), so the test waits on the entries, not on the mailbox.
        var arrival = DateTime.UtcNow.AddSeconds(20);
        IReadOnlyList<StoredEntry> entries;
        while ((entries = await Get<EntryStore>().ListAsync("2016-06", EntryStore.Pending, CancellationToken.None)).Count < 2 && DateTime.UtcNow < arrival)
        {
            await Task.Delay(200);
            await Get<IngestPoller>().PollAsync(null, CancellationToken.None);
        }

        Assert.Equal(2, entries.Count);
        await Get<EntryStore>().ApproveUnitAsync("2016-06", "保定市", "editor", CancellationToken.None);

        var workflow = Get<DigestWorkflow>();
        var issue = await workflow.CompileAsync(new Period(2016, 6), "editor", CancellationToken.None);
        Assert.Equal(22, issue.Number);
        Assert.True(await workflow.ApproveAsync(new Period(2016, 6), "editor", CancellationToken.None));
        var sent = await Get<BulletinSender>().SendAsync("2016-06", "editor", null, CancellationToken.None);
        Assert.Equal(SendOutcome.Completed, sent.Outcome);
        Assert.Equal(1, sent.Counts.Sent);

        var received = Assert.Single(await mail.InboxAsync(reader, 1, TimeSpan.FromSeconds(20)));
        Assert.Equal(issue.Subject, received.Subject);
        Assert.Contains("保定市:6月3日,召开科协全委会;6月15日,举办院士专家企业行活动。", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("<strong>保定市</strong>", received.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", received.Headers[HeaderId.ListUnsubscribePost]);
        Assert.Contains("<bulletin.bulletin.example.org>", received.Headers[HeaderId.ListId], StringComparison.Ordinal);
        var link = received.Headers[HeaderId.ListUnsubscribe]!.Split(',')[0].Trim().Trim('<', '>');
        Assert.StartsWith("https://bulletin.example.org/unsubscribe/", link, StringComparison.Ordinal); // Digest:PublicUrl, not where this test's server listens
        Assert.Contains(link, received.TextBody, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(link), received.HtmlBody, StringComparison.Ordinal);

        // A mail scanner's GET changes nothing; the client's one-click POST (no login, no cookie) unsubscribes.
        using var http = new HttpClient();
        link = new Uri(web.BaseAddress, new Uri(link).PathAndQuery).ToString();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(link))).StatusCode);
        Assert.Equal(SubscriberStatus.Active, (await Get<SubscriberStore>().FindAsync($"{reader}@{MailSystem.SubscriberDomain}", CancellationToken.None))!.Status);
        var oneClick = await http.PostAsync(new Uri(link), new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await Get<SubscriberStore>().FindAsync($"{reader}@{MailSystem.SubscriberDomain}", CancellationToken.None))!.Status);

        // A forged token unsubscribes no one.
        var forged = link[..^3] + (link[^3..] == "AAA" ? "BBB" : "AAA");
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(new Uri(forged), new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }))).StatusCode);

        // The sent issue is in the public archive and its feed.
        Assert.Contains("保定市", await http.GetStringAsync(new Uri(web.BaseAddress, "/archive/22")), StringComparison.Ordinal);
        Assert.Contains("/archive/22", await http.GetStringAsync(new Uri(web.BaseAddress, "/archive/feed.atom")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedRecipients_EndRetriedOrFailed_AndABounceComesBack()
    {
        var subscribers = Get<SubscriberStore>();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var happy = Enumerable.Range(1, 5).Select(i => $"ok{i}{tag}@{MailSystem.SubscriberDomain}").ToList();
        var gone = $"gone{tag}@{MailSystem.BounceDomain}";
        foreach (var address in (IEnumerable<string>)[.. happy, .. MailSystem.SoftRefused, .. MailSystem.HardRefused, gone])
        {
            await subscribers.AddAsync(address, null, "test", "test", CancellationToken.None);
        }

        await Get<ReportImporter>().ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), new Period(2016, 6), null, CancellationToken.None);
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        await Get<DigestWorkflow>().CompileAsync(new Period(2016, 6), "test", CancellationToken.None);
        await Get<DigestWorkflow>().ApproveAsync(new Period(2016, 6), "test", CancellationToken.None);

        var report = await Get<BulletinSender>().SendAsync("2016-06", "test", null, CancellationToken.None);

        // 450 at RCPT: tried twice (MaxAttempts), then failed; 550: failed at once, a hard bounce each.
        Assert.Equal(SendOutcome.Completed, report.Outcome);
        Assert.Equal((happy.Count + 1, 6), (report.Counts.Sent, report.Counts.Failed));
        var rows = await DeliveriesAsync();
        Assert.All(MailSystem.SoftRefused, a => Assert.Equal(("failed", 2), (rows[a].Status, rows[a].Attempts)));
        Assert.All(MailSystem.SoftRefused, a => Assert.StartsWith("450", rows[a].LastError, StringComparison.Ordinal));
        Assert.All(MailSystem.HardRefused, a => Assert.Equal(("failed", 1), (rows[a].Status, rows[a].Attempts)));
        Assert.All(MailSystem.HardRefused, a => Assert.Equal(SubscriberStatus.Suspended, subscribers.FindAsync(a, CancellationToken.None).Result!.Status));
        Assert.All(happy, a => Assert.Equal("sent", rows[a].Status));
        Assert.Equal("sent", rows[gone].Status); // Postfix accepted it ...

        // ... and then bounced it: the DSN comes back to the VERP address, which lands in the submission mailbox.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await DeliveriesAsync())[gone].Status != "failed" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(300);
            await Get<IngestPoller>().PollAsync(null, CancellationToken.None);
        }

        if ((await DeliveriesAsync())[gone].Status != "failed")
        {
            var seen = await Get<SubmissionStore>().ListAsync(null, null, CancellationToken.None);
            Assert.Fail($"no bounce matched within 30 s; submissions: {string.Join("; ", seen.Select(s => $"{s.Id} {s.Status} from {s.FromAddress}: {s.Subject} ({s.Reason})"))}");
        }

        var bounced = (await subscribers.FindAsync(gone, CancellationToken.None))!;
        Assert.Equal((1L, SubscriberStatus.Suspended), (bounced.HardBounces, bounced.Status));
        var submission = (await Get<SubmissionStore>().ListAsync(null, null, CancellationToken.None)).Single(s => s.Reason?.Contains("a bounce for subscriber", StringComparison.Ordinal) == true);
        Assert.Equal(SubmissionStatus.Ignored, submission.Status);
        Assert.StartsWith("MAILER-DAEMON", submission.FromAddress, StringComparison.OrdinalIgnoreCase);

        // A second trigger of the same send does nothing.
        Assert.Equal(SendOutcome.AlreadySent, (await Get<BulletinSender>().SendAsync("2016-06", "test", null, CancellationToken.None)).Outcome);
    }

    private async Task<Dictionary<string, (string Status, int Attempts, string? LastError)>> DeliveriesAsync()
    {
        await using var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(string Email, string Status, int Attempts, string? LastError)>(
            "SELECT s.email, d.status, d.attempts, d.last_error FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id");
        return rows.ToDictionary(r => r.Email, r => (r.Status, r.Attempts, r.LastError));
    }
}
