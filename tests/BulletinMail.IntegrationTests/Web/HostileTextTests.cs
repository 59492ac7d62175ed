using System.Net;
using System.Xml.Linq;
using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Units;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>Control characters from a report or the database, and what is published from them (issue 15, item 5).</summary>
public sealed class HostileTextTests : IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync(new Dictionary<string, string?> { ["Intake:Acknowledge"] = "false" });

    public async Task DisposeAsync() => await web.DisposeAsync();

    [Fact]
    public async Task AReportWithControlCharacters_GivesEntriesWithout()
    {
        await web.Services.GetRequiredService<UnitStore>().AddAsync("苏州市", null, ["report@suzhou.example.org"], CancellationToken.None);
        await MaildirMailbox.DeliverAsync(web.Maildir, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "eml", "control-characters.eml")), CancellationToken.None);
        await web.Services.GetRequiredService<IngestPoller>().PollAsync(null, CancellationToken.None);

        var entries = await web.Services.GetRequiredService<EntryStore>().ListAsync("2016-06", null, CancellationToken.None);
        Assert.Contains(entries, e => e.Text == "召开理事会换届会议");
        Assert.All(entries, e => Assert.DoesNotContain(e.Text, char.IsControl));
    }

    [Fact]
    public async Task TheFeedAndArchive_RenderAnIssueWithControlCharacters_ForgedIntoTheDatabase()
    {
        await web.ImportBulletinAsync();
        var entries = web.Services.GetRequiredService<EntryStore>();
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(Servers.TestStorage.IsPostgres
                ? "UPDATE entries SET text = chr(1) || text || chr(27) || chr(11) || chr(65534)"
                : "UPDATE entries SET text = char(1) || text || char(27, 11, 65534)");
        }

        var ids = (await entries.ListAsync("2016-06", null, CancellationToken.None)).Select(e => e.Id).ToList();
        await entries.SetStatusAsync(ids, null, EntryStore.Approved, "test", CancellationToken.None);
        var issue = await web.Services.GetRequiredService<DigestWorkflow>().CompileAsync(new Period(2016, 6), "test", CancellationToken.None);
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync($"UPDATE issues SET state = 'sent', sent_at = @now, subject = subject || {(Servers.TestStorage.IsPostgres ? "chr(2)" : "char(2)")} WHERE id = @id", new { now = DateTimeOffset.UtcNow, id = issue.Id });
        }

        using var reader = web.Client();
        var feed = await reader.GetAsync(new Uri("/archive/feed.atom", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        var atom = XDocument.Parse(await feed.Content.ReadAsStringAsync());
        XNamespace ns = "http://www.w3.org/2005/Atom";
        Assert.Single(atom.Root!.Elements(ns + "entry"));
        var archived = await reader.GetAsync(new Uri($"/archive/{issue.Number}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        var page = await archived.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"/archive\">", page, StringComparison.Ordinal); // a way back, and a way to subscribe
        Assert.Contains("<a href=\"/subscribe\">", page, StringComparison.Ordinal);
    }
}
