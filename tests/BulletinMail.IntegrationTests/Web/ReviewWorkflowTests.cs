using System.Net;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Units;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>What editors do besides the queue, through the pages' forms against the real server.</summary>
public sealed class ReviewWorkflowTests : IAsyncLifetime
{
    private const string Stranger = "new-secretary@baoding.example.org";

    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    private SubmissionStore Submissions => web.Services.GetRequiredService<SubmissionStore>();

    private async Task<Submission> DeliverFromStrangerAsync(string messageId)
    {
        var submissions = await web.DeliverAsync(Reports.Plain(Stranger, "保定市科协2016年6月工作情况", "6月3日,召开理事会;6月5日,举办科普日活动。", messageId: messageId));
        return submissions.Single(s => s.MessageId == messageId);
    }

    [Fact]
    public async Task AssigningAHeldReport_ParsesIt_AndRemembersTheSender()
    {
        var held = await DeliverFromStrangerAsync("first@baoding.example.org");
        Assert.Equal(SubmissionStatus.Held, held.Status);
        using var client = await web.SignedInAsync();

        var page = await client.GetStringAsync(new Uri("/held", UriKind.Relative));
        Assert.Contains(Stranger, page, StringComparison.Ordinal);
        var response = await WebHarness.PostFormAsync(client, "/held", "/held?handler=assign", new Dictionary<string, string>
        {
            ["id"] = $"{held.Id}", ["unit"] = "保定市", ["period"] = "2016-06", ["remember"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var parsed = await Submissions.GetAsync(held.Id, CancellationToken.None);
        Assert.Equal(SubmissionStatus.Parsed, parsed!.Status);
        Assert.Equal("保定市", parsed.Unit);
        Assert.Equal(2, parsed.EntryCount);

        // The next report from that address goes straight through.
        var next = await DeliverFromStrangerAsync("second@baoding.example.org");
        Assert.Equal(SubmissionStatus.Parsed, next.Status);
        var audit = await web.Services.GetRequiredService<AuditLog>().ListAsync(WebHarness.EditorName, "submission", held.Id, null, 10, CancellationToken.None);
        Assert.Contains(audit, r => r.Action == "submission.parsed");
    }

    [Fact]
    public async Task DiscardingAHeldReport_KeepsItsOriginal_AndSaysWhy()
    {
        var held = await DeliverFromStrangerAsync("spam@baoding.example.org");
        using var client = await web.SignedInAsync();
        await WebHarness.PostFormAsync(client, "/held", "/held?handler=discard", new Dictionary<string, string> { ["id"] = $"{held.Id}", ["reason"] = "不是工作报告" });

        var discarded = await Submissions.GetAsync(held.Id, CancellationToken.None);
        Assert.Equal(SubmissionStatus.Discarded, discarded!.Status);
        Assert.Equal("不是工作报告", discarded.Reason);
        Assert.True(File.Exists(web.Services.GetRequiredService<OriginalStore>().PathOf(held.Sha256)));
        Assert.DoesNotContain($"id=\"s{held.Id}\"", await client.GetStringAsync(new Uri("/held", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitsBoard_ShowsWhoReported_AndSendsAReminder()
    {
        await web.ImportBulletinAsync();
        var units = web.Services.GetRequiredService<UnitStore>();
        await units.AddAsync("新单位", "其他全国学会和地方科协推进情况", ["office@new.example.org"], CancellationToken.None);
        using var client = await web.SignedInAsync();

        var board = await client.GetStringAsync(new Uri("/units?period=2016-06", UriKind.Relative));
        Assert.Contains("class=\"missing-row\" data-unit=\"新单位\"", board, StringComparison.Ordinal);
        Assert.Contains("class=\"reported-row\" data-unit=\"保定市\"", board, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\"", board, StringComparison.Ordinal);

        var response = await WebHarness.PostFormAsync(client, "/units?period=2016-06", "/units?handler=remind", new Dictionary<string, string> { ["unit"] = "新单位", ["period"] = "2016-06" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var sent = (await Outbox.ReadSentAsync(web.Services, web.DataDirectory)).Single();
        Assert.Equal("office@new.example.org", sent.To.Mailboxes.Single().Address);
        Assert.Contains("2016年6月", sent.Subject, StringComparison.Ordinal);
        Assert.Contains("新单位", sent.TextBody, StringComparison.Ordinal);

        await using var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM reminders WHERE unit = '新单位' AND period = '2016-06' AND sent_by = @ed", new { ed = WebHarness.EditorName }));
    }

    [Theory]
    [InlineData("/units?period=2016-13")]
    [InlineData("/digest?period=June")]
    [InlineData("/queue?period=2016-6x")]
    public async Task AMistypedMonth_IsReportedBesideTheField_NotSilentlyReplaced(string path)
    {
        using var client = await web.SignedInAsync();
        var page = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        Assert.Contains("id=\"period-error\"", page, StringComparison.Ordinal);
        Assert.Contains(path[(path.IndexOf('=', StringComparison.Ordinal) + 1)..], page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditingAUnit_ReplacesItsSenders_AndIsAudited()
    {
        using var client = await web.SignedInAsync();
        var response = await WebHarness.PostFormAsync(client, "/units/edit?name=保定市", "/units/edit", new Dictionary<string, string>
        {
            ["name"] = "保定市", ["section"] = "创新驱动示范市工作情况", ["order"] = "7", ["aliases"] = "保定市科协\n保定科协", ["senders"] = "kx@baoding.example.org",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("保定市: 已保存", await client.GetStringAsync(new Uri("/units", UriKind.Relative)), StringComparison.Ordinal); // the editor is told

        var registry = await web.Services.GetRequiredService<UnitStore>().LoadAsync([], CancellationToken.None);
        var unit = registry.FindByName("保定市")!;
        Assert.Equal(["kx@baoding.example.org"], unit.Senders);
        Assert.Equal(7, unit.Order);
        Assert.Contains("保定科协", unit.Aliases);
        Assert.Same(unit, registry.FindBySender("KX@baoding.example.org"));
        var audit = await web.Services.GetRequiredService<AuditLog>().ListAsync(WebHarness.EditorName, "unit", null, null, 10, CancellationToken.None);
        Assert.Contains(audit, r => r.Action == "unit.edit");

        var bad = await WebHarness.PostFormAsync(client, "/units/edit?name=保定市", "/units/edit", new Dictionary<string, string> { ["name"] = "保定市", ["order"] = "7", ["senders"] = "not an address" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode); // the form again, with the error
        Assert.Contains("not an e-mail address", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReparse_ProposesChanges_AndNeverOverwritesAnEditorsWork()
    {
        var submissionId = await web.ImportBulletinAsync();
        var entries = web.Services.GetRequiredService<EntryStore>();
        var all = await entries.ListBySubmissionAsync(submissionId, CancellationToken.None);
        var (stale, edited, approved) = (all[10], all[11], all[12]);

        // As if an older parser had read three entries differently; then an editor edits one and approves another.
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync($"UPDATE entries SET text = 'old parser text' WHERE {SqlDialect.Of(connection).IsIn("id", "@ids")}", new { ids = new[] { stale.Id, edited.Id, approved.Id } });
        }

        await entries.EditAsync(edited.Id, new EntryEdit(new BulletinMail.Features.Parsing.ActivityDate(null, null, BulletinMail.Features.Parsing.DatePrecision.Approximate, "近日"), "编辑改过的文字", edited.Unit, edited.Section), "someone", CancellationToken.None);
        await entries.SetStatusAsync([approved.Id], null, EntryStore.Approved, "someone", CancellationToken.None);

        using var client = await web.SignedInAsync();
        var proposal = await client.GetStringAsync(new Uri($"/submissions/{submissionId}?reparse=true", UriKind.Relative));
        Assert.Contains("old parser text", proposal, StringComparison.Ordinal);
        var response = await WebHarness.PostFormAsync(client, $"/submissions/{submissionId}?reparse=true", $"/submissions/{submissionId}?handler=reparse", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        Assert.Equal(stale.Text, (await entries.GetAsync(stale.Id, CancellationToken.None))!.Text);
        Assert.Equal("编辑改过的文字", (await entries.GetAsync(edited.Id, CancellationToken.None))!.Text);
        Assert.Equal("old parser text", (await entries.GetAsync(approved.Id, CancellationToken.None))!.Text);
        Assert.Equal(all.Count, (await entries.ListBySubmissionAsync(submissionId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task MovingAnEntry_SwapsItWithItsNeighbour()
    {
        await web.ImportBulletinAsync();
        var entries = web.Services.GetRequiredService<EntryStore>();
        var unit = (await entries.ListAsync("2016-06", null, CancellationToken.None)).Where(e => e.Unit == "永川区").ToList();
        using var client = await web.SignedInAsync();

        await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=move&up=true", new Dictionary<string, string> { ["id"] = $"{unit[1].Id}" });
        var moved = (await entries.ListAsync("2016-06", null, CancellationToken.None)).Where(e => e.Unit == "永川区").Select(e => e.Id).ToList();
        Assert.Equal([unit[1].Id, unit[0].Id, .. unit.Skip(2).Select(e => e.Id)], moved);

        // The first cannot move further up.
        await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=move&up=true", new Dictionary<string, string> { ["id"] = $"{unit[1].Id}" });
        Assert.Equal(moved, (await entries.ListAsync("2016-06", null, CancellationToken.None)).Where(e => e.Unit == "永川区").Select(e => e.Id).ToList());
    }

    [Fact]
    public async Task UndoingABulkApprove_LeavesAnEntryChangedSince_AsItIs()
    {
        await web.ImportBulletinAsync();
        var entries = web.Services.GetRequiredService<EntryStore>();
        var rizhao = (await entries.ListAsync("2016-06", null, CancellationToken.None)).Where(e => e.Unit == "日照市").ToList();
        var changes = await entries.ApprovePendingAsync([.. rizhao.Take(3).Select(e => e.Id)], "ed", CancellationToken.None);
        Assert.Equal(3, changes.Count);
        Assert.Empty(await entries.ApprovePendingAsync([.. rizhao.Take(3).Select(e => e.Id)], "ed", CancellationToken.None)); // no longer pending

        // Another editor rejects one of them meanwhile: the undo puts back the other two only.
        await entries.SetStatusAsync([rizhao[0].Id], null, EntryStore.Rejected, "li", CancellationToken.None);
        Assert.Equal(2, await entries.UndoAsync(changes, EntryStore.Approved, "ed", CancellationToken.None));
        var after = (await entries.ListAsync("2016-06", null, CancellationToken.None)).Where(e => e.Unit == "日照市").ToList();
        Assert.Equal([EntryStore.Rejected, EntryStore.Pending, EntryStore.Pending, EntryStore.Pending], after.Take(4).Select(e => e.Status));

        // A forged undo that would make an entry superseded is refused.
        using var client = await web.SignedInAsync();
        var forged = await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=undo", new Dictionary<string, string> { ["changes"] = $"pending|{rizhao[1].Id}:superseded" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task AnEditWithAnUnreadableDate_IsRefusedWithAReason()
    {
        await web.ImportBulletinAsync();
        var entry = (await web.Services.GetRequiredService<EntryStore>().ListAsync("2016-06", null, CancellationToken.None))[3];
        using var client = await web.SignedInAsync();
        var response = await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=edit", new Dictionary<string, string>
        {
            ["id"] = $"{entry.Id}", ["date"] = "sometime soon", ["text"] = "x",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("无法识别该日期", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(entry.Text, (await web.Services.GetRequiredService<EntryStore>().GetAsync(entry.Id, CancellationToken.None))!.Text);

        // Start and end instead of an expression.
        await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=edit", new Dictionary<string, string>
        {
            ["id"] = $"{entry.Id}", ["start"] = "2016-06-05", ["end"] = "2016-06-07", ["text"] = entry.Text,
        });
        var ranged = await web.Services.GetRequiredService<EntryStore>().GetAsync(entry.Id, CancellationToken.None);
        Assert.Equal(("range", new DateOnly(2016, 6, 5), new DateOnly(2016, 6, 7)), (ranged!.DatePrecision, ranged.DateStart!.Value, ranged.DateEnd!.Value));
    }
}
