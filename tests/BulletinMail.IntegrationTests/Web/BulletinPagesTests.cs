using System.Net;
using System.Text.RegularExpressions;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Web;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>The bulletin's pages over HTTP: subscribing (double opt-in), by mail too; the editors' digest and subscriber pages.</summary>
public sealed partial class BulletinPagesTests : IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync(new Dictionary<string, string?> { ["Intake:Acknowledge"] = "false" });

    public async Task DisposeAsync() => await web.DisposeAsync();

    private T Get<T>() where T : notnull => web.Services.GetRequiredService<T>();

    private Task<IReadOnlyList<MimeMessage>> SentAsync() => Outbox.ReadSentAsync(web.Services, web.DataDirectory);

    [Fact]
    public async Task Subscribing_WaitsForTheLinkInTheMail()
    {
        using var client = web.Client();
        var response = await WebHarness.PostFormAsync(client, "/subscribe", "/subscribe", new Dictionary<string, string> { ["email"] = "New.Reader@Example.org", ["name"] = "新读者" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SubscriberStatus.Pending, (await Get<SubscriberStore>().FindAsync("new.reader@example.org", CancellationToken.None))!.Status);

        var confirmation = Assert.Single(await SentAsync());
        Assert.Equal("new.reader@example.org", confirmation.To.Mailboxes.Single().Address);
        var link = new Uri(ConfirmLink().Match(confirmation.TextBody!).Value);

        // Following the link shows a button; a scanner's GET confirms nothing.
        var page = await client.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative)); // the link names Digest:PublicUrl; this server listens elsewhere
        Assert.Contains("new.reader@example.org", page, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Pending, (await Get<SubscriberStore>().FindAsync("new.reader@example.org", CancellationToken.None))!.Status);
        var token = link.Query["?token=".Length..];
        await WebHarness.PostFormAsync(client, link.PathAndQuery, link.PathAndQuery, new Dictionary<string, string> { ["token"] = Uri.UnescapeDataString(token) });
        Assert.Equal(SubscriberStatus.Active, (await Get<SubscriberStore>().FindAsync("new.reader@example.org", CancellationToken.None))!.Status);

        // A damaged link confirms nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(link.PathAndQuery[..^4] + "AAAA", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task SubscribingAndUnsubscribing_ByMail()
    {
        await web.DeliverAsync(Reports.Plain("mail.reader@example.org", "订阅", "请把简报发给我。"));
        Assert.Equal(SubscriberStatus.Pending, (await Get<SubscriberStore>().FindAsync("mail.reader@example.org", CancellationToken.None))!.Status);
        Assert.Contains(await SentAsync(), m => m.To.Mailboxes.Single().Address == "mail.reader@example.org" && m.TextBody!.Contains("/subscribe/confirm?token=", StringComparison.Ordinal));

        // No authserv-id configured, so nothing vouches for the From: the address gets its one-click link instead.
        await Get<SubscriberStore>().AddAsync("leaving@example.org", null, "test", "test", CancellationToken.None);
        var submissions = await web.DeliverAsync(Reports.Plain("leaving@example.org", "unsubscribe", string.Empty));
        Assert.Equal(SubscriberStatus.Active, (await Get<SubscriberStore>().FindAsync("leaving@example.org", CancellationToken.None))!.Status);
        var link = Assert.Single(await SentAsync(), m => m.To.Mailboxes.Single().Address == "leaving@example.org");
        Assert.Contains("/unsubscribe/", link.TextBody, StringComparison.Ordinal);
        Assert.All(submissions, s => Assert.Equal(SubmissionStatus.Ignored, s.Status)); // neither is a report, neither is answered as one
    }

    [Fact]
    public async Task AnEditor_CompilesPreviewsApprovesAndSends_FromTheDigestPage()
    {
        await web.ImportBulletinAsync();
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        await Get<SubscriberStore>().AddAsync("reader@example.org", null, "test", "test", CancellationToken.None);
        using var client = await web.SignedInAsync();

        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=editorials", new Dictionary<string, string> { ["heading"] = "总体情况", ["markdown"] = "本月**重点**工作。" });
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=compile", new Dictionary<string, string>());
        var issue = await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None);
        Assert.Equal(IssueState.Draft, issue!.State);
        Assert.Contains("一、总体情况", issue.TextBody, StringComparison.Ordinal);
        Assert.Contains("二、创新驱动示范市工作情况", issue.TextBody, StringComparison.Ordinal);
        Assert.Contains("<strong>重点</strong>", issue.HtmlBody, StringComparison.Ordinal);

        var preview = await client.GetAsync(new Uri("/digest/preview?period=2016-06", UriKind.Relative));
        Assert.Contains("style-src 'unsafe-inline'", string.Join(";", preview.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", string.Join(";", preview.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await web.Client().GetAsync(new Uri("/digest/preview?period=2016-06", UriKind.Relative))).StatusCode); // editors only

        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=test", new Dictionary<string, string> { ["email"] = "editor@example.org" });
        Assert.Contains(await SentAsync(), m => m.Subject!.StartsWith("[TEST]", StringComparison.Ordinal) && m.To.Mailboxes.Single().Address == "editor@example.org");

        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=approve", new Dictionary<string, string>());
        var send = await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=send", new Dictionary<string, string> { ["confirm"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, send.StatusCode); // the job is enqueued

        await web.WaitUntilSentAsync("2016-06");
        Assert.Contains(await SentAsync(), m => m.To.Mailboxes.Single().Address == "reader@example.org" && m.Headers.Contains(HeaderId.ListUnsubscribePost));
        var page = await client.GetStringAsync(new Uri("/digest?period=2016-06", UriKind.Relative));
        Assert.Contains("value=\"100\"", page, StringComparison.Ordinal); // the progress bar, full

        // A sent issue is frozen: compiling again is refused with a reason.
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=compile", new Dictionary<string, string>());
        Assert.Contains("不能再修改", await client.GetStringAsync(new Uri("/digest?period=2016-06", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEditor_RecompilingAnApprovedIssue_IsToldWhatBecameOfTheApproval()
    {
        await web.ImportBulletinAsync();
        var entries = Get<EntryStore>();
        var all = await entries.ListAsync("2016-06", null, CancellationToken.None);
        await entries.SetStatusAsync([all[10].Id], null, EntryStore.Approved, "test", CancellationToken.None);
        using var client = await web.SignedInAsync();
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=compile", new Dictionary<string, string>());
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=approve", new Dictionary<string, string>());

        // The page speaks Chinese to a browser that asks for nothing else.
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=compile", new Dictionary<string, string>());
        Assert.Contains(Texts.Chinese["The content is unchanged: the issue stays approved."], await client.GetStringAsync(new Uri("/digest?period=2016-06", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(IssueState.Approved, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);

        await entries.SetStatusAsync([all[20].Id], null, EntryStore.Approved, "test", CancellationToken.None);
        await WebHarness.PostFormAsync(client, "/digest?period=2016-06", "/digest?period=2016-06&handler=compile", new Dictionary<string, string>());
        Assert.Contains(Texts.Chinese["The content changed since it was approved: the approval was withdrawn. Approve it again to send it."], await client.GetStringAsync(new Uri("/digest?period=2016-06", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(IssueState.Draft, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);
        Assert.Contains("issue.approval-withdrawn", await client.GetStringAsync(new Uri("/audit?entity=issue", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSubscribersPage_AddsAndRemoves()
    {
        using var client = await web.SignedInAsync();
        await WebHarness.PostFormAsync(client, "/subscribers", "/subscribers?handler=add", new Dictionary<string, string> { ["email"] = "one@example.org", ["name"] = "一" });
        Assert.Equal(SubscriberStatus.Active, (await Get<SubscriberStore>().FindAsync("one@example.org", CancellationToken.None))!.Status);

        await WebHarness.PostFormAsync(client, "/subscribers", "/subscribers?handler=remove", new Dictionary<string, string> { ["email"] = "one@example.org" });
        Assert.Equal(SubscriberStatus.Unsubscribed, (await Get<SubscriberStore>().FindAsync("one@example.org", CancellationToken.None))!.Status);
    }

    [GeneratedRegex(@"http://\S+/subscribe/confirm\?token=\S+")]
    private static partial Regex ConfirmLink();
}
