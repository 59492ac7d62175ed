using System.Net;
using BulletinMail.Features.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>
/// The subscription routes cannot be used to bomb an inbox or to unsubscribe someone else: timed
/// requests against the running web server, and forged mail through intake.
/// </summary>
public sealed class SubscriptionAbuseTests : IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Intake:Acknowledge"] = "false",
        ["Digest:MaxConfirmationsPerDay"] = "6",
    });

    public async Task DisposeAsync() => await web.DisposeAsync();

    private T Get<T>() where T : notnull => web.Services.GetRequiredService<T>();

    private async Task<int> ConfirmationsToAsync(string address) =>
        (await Outbox.ReadSentAsync(web.Services, web.DataDirectory)).Count(m => m.To.Mailboxes.Single().Address == address);

    [Fact]
    public async Task AnAddress_GetsOneConfirmationADay_WhateverTheRoute()
    {
        using var client = web.Client();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await WebHarness.PostFormAsync(client, "/subscribe", "/subscribe", new Dictionary<string, string> { ["email"] = "victim@example.org" })).StatusCode);
        }

        // Twenty forged mails with subject "subscribe" for the same address.
        for (var i = 0; i < 20; i++)
        {
            await web.DeliverAsync(Reports.Plain("victim@example.org", "subscribe", string.Empty));
        }

        Assert.Equal(1, await ConfirmationsToAsync("victim@example.org"));
    }

    [Fact]
    public async Task OneClient_IsCapped_TenAtOnce_ThenOneEveryTenMinutes()
    {
        using var client = web.Client();
        await AssertTenAtOnceThen429Async(client);
    }

    /// <summary>Twelve subscriptions posted at once by one client: the form's page and nine posts pass, then 429.</summary>
    internal static async Task AssertTenAtOnceThen429Async(HttpClient client)
    {
        var token = await WebHarness.TokenAsync(client, "/subscribe"); // the first of the ten
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = $"reader{i}@example.org", ["__RequestVerificationToken"] = token });
            statuses.Add((await client.PostAsync(new Uri("/subscribe", UriKind.Relative), form)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 9), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
    }

    [Fact]
    public async Task AHugeNameField_IsRefused_BeforeItIsRead()
    {
        using var client = web.Client();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "big@example.org", ["name"] = new string('名', 3_000_000), ["__RequestVerificationToken"] = await WebHarness.TokenAsync(client, "/subscribe"),
        });
        try
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync(new Uri("/subscribe", UriKind.Relative), form)).StatusCode);
        }
        catch (HttpRequestException)
        {
            // The server answered 413 and closed the connection while the client was still sending.
        }

        Assert.Equal(0, await ConfirmationsToAsync("big@example.org"));
    }

    [Fact]
    public async Task TheDaysCap_StopsConfirmations_AndLogsAnAlert()
    {
        for (var i = 0; i < 8; i++)
        {
            await web.DeliverAsync(Reports.Plain($"reader{i}@example.org", "subscribe", string.Empty));
        }

        Assert.Equal(6, (await Outbox.ReadSentAsync(web.Services, web.DataDirectory)).Count);
        Assert.Contains(web.Log.Lines, m => m.Contains("cap of 6 confirmation mails", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AForgedUnsubscribe_MailsTheLink_ToTheAddress_AndEndsNothing()
    {
        await Get<SubscriberStore>().AddAsync("reader@example.org", null, "test", "test", CancellationToken.None);

        await web.DeliverAsync(Reports.Plain("reader@example.org", "unsubscribe", string.Empty));

        Assert.Equal(SubscriberStatus.Active, (await Get<SubscriberStore>().FindAsync("reader@example.org", CancellationToken.None))!.Status);
        var link = Assert.Single(await Outbox.ReadSentAsync(web.Services, web.DataDirectory));
        Assert.Equal("reader@example.org", link.To.Mailboxes.Single().Address);
        Assert.Contains("/unsubscribe/", link.TextBody, StringComparison.Ordinal);
    }
}
