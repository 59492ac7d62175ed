using System.Net;
using BulletinMail.Features.Intake;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>Editors' forms fed what they should never send: an answer that says what is wrong, never a 500 (issue 15, item 12).</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    [Theory]
    [InlineData("2016-13")]
    [InlineData("June")]
    [InlineData("")]
    public async Task AReminderForABadPeriod_Is400WithAMessage(string period)
    {
        using var client = await web.SignedInAsync();
        var response = await WebHarness.PostFormAsync(client, "/units", "/units?handler=remind", new Dictionary<string, string> { ["unit"] = "保定市", ["period"] = period });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("YYYY-MM", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssigningAnUnknownSubmission_Is404WithAMessage()
    {
        using var client = await web.SignedInAsync();
        var response = await WebHarness.PostFormAsync(client, "/held", "/held?handler=assign", new Dictionary<string, string> { ["id"] = "987654", ["unit"] = "保定市", ["period"] = "2016-06" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("987654", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAttachmentOfAQuarantinedNonMail_Is404WithAMessage()
    {
        // Bytes that are no mail message at all: quarantined, its original kept.
        await MaildirMailbox.DeliverAsync(web.Maildir, new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D }, CancellationToken.None);
        await web.Services.GetRequiredService<IngestPoller>().PollAsync(null, CancellationToken.None);
        var quarantined = (await web.Services.GetRequiredService<SubmissionStore>().ListAsync(null, SubmissionStatus.Quarantined, CancellationToken.None)).Single();

        using var client = await web.SignedInAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri($"/submissions/{quarantined.Id}", UriKind.Relative))).StatusCode);
        var response = await client.GetAsync(new Uri($"/submissions/{quarantined.Id}?handler=download&index=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"{quarantined.Id}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The original itself still downloads.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri($"/submissions/{quarantined.Id}?handler=download&index=-1", UriKind.Relative))).StatusCode);
    }
}
