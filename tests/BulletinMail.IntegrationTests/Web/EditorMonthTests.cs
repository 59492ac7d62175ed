using System.Net;
using System.Text;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Features.Units;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>The editor's month of issue 12, in Chromium: each trap an editor fell into, now closed.</summary>
public sealed class EditorMonthTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    private EntryStore Entries => web.Services.GetRequiredService<EntryStore>();

    private async Task<IReadOnlyList<StoredEntry>> UnitAsync(string unit) =>
        [.. (await Entries.ListAsync("2016-06", null, CancellationToken.None)).Where(e => e.Unit == unit)];

    [Fact]
    public async Task ApproveAll_ApprovesOnlyWhatTheFilterShows_SaysHowMany_AndCanBeUndone()
    {
        await web.ImportBulletinAsync();
        var quanzhou = await UnitAsync("泉州市");
        var low = quanzhou[1];
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE entries SET confidence = 0.5 WHERE id = @Id", new { low.Id });
        }

        var page = await chromium.SignedInPageAsync(web, "/queue?period=2016-06&low=true");
        var button = page.Locator("button[data-approve-unit='泉州市']");
        await Assertions.Expect(button).ToContainTextAsync("(1)");
        await button.ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("1 entries approved.");
        var after = await UnitAsync("泉州市");
        Assert.Equal(EntryStore.Approved, after.Single(e => e.Id == low.Id).Status);
        Assert.All(after.Where(e => e.Id != low.Id), e => Assert.Equal(EntryStore.Pending, e.Status)); // the 5 the filter hid
        Assert.Contains("low=true", page.Url, StringComparison.Ordinal); // back in the same view

        await page.ClickAsync("#notice button");
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("1 entries put back as they were.");
        Assert.All(await UnitAsync("泉州市"), e => Assert.Equal(EntryStore.Pending, e.Status));
        var audit = await web.Services.GetRequiredService<AuditLog>().ListAsync(WebHarness.EditorName, "entry", low.Id, null, 10, CancellationToken.None);
        Assert.Equal(["entry.undo", "entry.approved"], audit.Select(r => r.Action));
    }

    [Fact]
    public async Task TheLandingPage_SaysWhatWaits_AndTheQueueOpensTheMonthThatNeedsWork()
    {
        await web.ImportBulletinAsync();
        var page = await chromium.SignedInPageAsync(web, "/");
        Assert.Contains("91", await page.InnerTextAsync("#waiting-pending"), StringComparison.Ordinal);
        Assert.Contains("held 0", await page.InnerTextAsync("#waiting-held"), StringComparison.Ordinal);
        Assert.Contains("2016-06", await page.InnerTextAsync("#waiting-units h2"), StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-05 09:00 \(Asia/Shanghai\)", await page.InnerTextAsync("#waiting-send"));
        await ChromiumFixture.ScreenshotsAsync(page, "landing");

        // The period links to its queue; the queue lists the periods with work and their counts.
        await page.ClickAsync("#waiting-pending a[data-period='2016-06']");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("2016-06");
        await Assertions.Expect(page.Locator("[data-entry]")).ToHaveCountAsync(91); // retried until the page has loaded
        await Assertions.Expect(page.Locator("nav.periods a.current")).ToContainTextAsync("pending 91");
        await ChromiumFixture.ScreenshotsAsync(page, "queue");

        // With no period the queue opens the oldest month with work, not the (empty) current one.
        await page.GotoAsync("/queue");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("2016-06");

        // A mistyped month is reported beside the field, as typed, and nothing else is shown in its place.
        await page.GotoAsync("/queue?period=2016-6");
        await Assertions.Expect(page.Locator("#period-error")).ToContainTextAsync("A period is written YYYY-MM, not \"2016-6\"");
        await Assertions.Expect(page.Locator("[data-entry]")).ToHaveCountAsync(0); // retried until the page has loaded
    }

    [Fact]
    public async Task AFailedEdit_ShowsItsErrorBesideTheField_KeepsTheInput_AndChangesNoFilter()
    {
        await web.ImportBulletinAsync();
        var entry = (await UnitAsync("日照市"))[2];
        var page = await chromium.SignedInPageAsync(web, "/queue?period=2016-06&status=pending");
        var shown = await page.Locator("[data-entry]").CountAsync();

        await page.ClickAsync($"#e{entry.Id} [data-key=e]");
        await page.FillAsync($"#e{entry.Id} input[name=date]", "6月32日");
        await page.FillAsync($"#e{entry.Id} textarea[name=text]", "改过的内容");
        await page.ClickAsync($"#e{entry.Id} button.primary");

        var error = page.Locator($"#e{entry.Id} .field-error");
        await Assertions.Expect(error).ToContainTextAsync("The date is not one this parser reads");
        var field = await page.Locator($"#e{entry.Id} input[name=date]").BoundingBoxAsync();
        var message = await error.BoundingBoxAsync();
        Assert.InRange(message!.Y - field!.Y, 0, 150); // beside the field, not a page away
        Assert.Equal("6月32日", await page.InputValueAsync($"#e{entry.Id} input[name=date]"));
        Assert.Equal("改过的内容", await page.InputValueAsync($"#e{entry.Id} textarea[name=text]"));

        // The view is the one the editor came from: no filter set to the entry's unit, the status filter kept.
        Assert.Equal(string.Empty, await page.InputValueAsync(".filters select[name=unit]"));
        Assert.Equal("pending", await page.InputValueAsync(".filters select[name=status]"));
        Assert.Equal(shown, await page.Locator("[data-entry]").CountAsync());
        Assert.Equal(entry.Text, (await Entries.GetAsync(entry.Id, CancellationToken.None))!.Text);
    }

    [Fact]
    public async Task HeldMail_OffersOnlyWhatFits_SaysWhatEachActionDid_InChinese()
    {
        const string stranger = "new-secretary@baoding.example.org";
        await web.DeliverAsync(Reports.Plain(stranger, "保定市科协2016年6月工作情况", "6月3日,召开理事会;6月5日,举办科普日活动。"));
        await MaildirMailbox.DeliverAsync(web.Maildir, Encoding.UTF8.GetBytes("Subject: ????\r\n\r\n\u0001\u0002 garbage ����\r\n"), CancellationToken.None);
        await web.Services.GetRequiredService<IngestPoller>().PollAsync(null, CancellationToken.None);
        var waiting = await web.Services.GetRequiredService<SubmissionStore>().ListAsync(null, SubmissionStatus.Held, CancellationToken.None);
        var report = waiting.Single(s => s.FromAddress == stranger);
        var garbage = waiting.Single(s => s.FromAddress is null);

        var page = await chromium.SignedInPageAsync(web, "/held", "zh-CN");
        var reportRow = page.Locator($"#s{report.Id}");
        var garbageRow = page.Locator($"#s{garbage.Id}");
        await Assertions.Expect(reportRow.Locator(".reason")).ToContainTextAsync("未知发件人 " + stranger);
        await Assertions.Expect(reportRow.Locator("input[name=remember]")).Not.ToBeCheckedAsync();
        Assert.Equal(0, await reportRow.Locator("form[action*=release]").CountAsync()); // it would only be held again
        await Assertions.Expect(garbageRow.Locator(".reason")).ToContainTextAsync("无法读取发件人地址");
        Assert.Equal(0, await garbageRow.Locator("input[name=unit], input[name=remember], form[action*=release]").CountAsync());
        Assert.Equal(1, await garbageRow.Locator("form[action*=discard]").CountAsync());
        await ChromiumFixture.ScreenshotsAsync(page, "held");

        // Nor does the server take an action the page does not offer.
        using (var client = await web.SignedInAsync())
        {
            var refused = await WebHarness.PostFormAsync(client, "/held", "/held?handler=assign", new Dictionary<string, string> { ["id"] = $"{garbage.Id}", ["unit"] = "保定市", ["remember"] = "true" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // Assigned (the sender not remembered), the report is read and the notice says so.
        await reportRow.Locator("input[name=unit]").FillAsync("保定市");
        await reportRow.Locator("button.primary").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("已作为以下单位的报告读入: 保定市 (2016-06), 2 条待审。");
        Assert.Equal(SubmissionStatus.Parsed, (await web.Services.GetRequiredService<SubmissionStore>().GetAsync(report.Id, CancellationToken.None))!.Status);
        var registry = await web.Services.GetRequiredService<UnitStore>().LoadAsync(web.Services.GetRequiredService<UnitRegistry>().Sections, CancellationToken.None);
        Assert.Null(registry.FindBySender(stranger));

        await garbageRow.Locator("input[name=reason]").FillAsync("乱码");
        await garbageRow.Locator("button").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync($"报送 {garbage.Id}: 已丢弃,原件仍保留。");
    }

    [Fact]
    public async Task SendingTheBulletin_SaysToWhomAndHowMany_AndAsksOnce()
    {
        await web.ImportBulletinAsync();
        await Entries.SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        var readers = Enumerable.Range(1, 7).Select(i => $"reader{i}@example.org").ToList();
        foreach (var reader in readers)
        {
            await web.Services.GetRequiredService<SubscriberStore>().AddAsync(reader, null, "test", "test", CancellationToken.None);
        }

        var workflow = web.Services.GetRequiredService<DigestWorkflow>();
        await workflow.CompileAsync(new BulletinMail.Features.Parsing.Period(2016, 6), "test", CancellationToken.None);
        await workflow.ApproveAsync(new BulletinMail.Features.Parsing.Period(2016, 6), "test", CancellationToken.None);

        var page = await chromium.SignedInPageAsync(web, "/digest?period=2016-06");
        await page.ClickAsync("button[formaction$='handler=send']");
        var confirm = page.Locator("#confirm-send");
        await Assertions.Expect(confirm).ToContainTextAsync("7 active subscribers");
        await Assertions.Expect(confirm).ToContainTextAsync("reader1@example.org, reader2@example.org");
        var issues = web.Services.GetRequiredService<IssueStore>();
        Assert.Equal(IssueState.Approved, (await issues.GetAsync("2016-06", CancellationToken.None))!.State); // nothing sent yet

        await confirm.Locator("button.primary").ClickAsync();
        await web.WaitUntilSentAsync("2016-06");
    }

    [Fact]
    public async Task ASecondReminderTheSameDay_IsAskedAboutFirst()
    {
        await web.Services.GetRequiredService<UnitStore>().AddAsync("测试单位", null, ["secretary@test-unit.example.org"], CancellationToken.None);
        async Task<long> RemindersAsync()
        {
            await using var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reminders WHERE unit = '测试单位'");
        }

        var page = await chromium.SignedInPageAsync(web, "/units?period=2016-06");
        var button = page.Locator("button[form=remind][value='测试单位']");
        await button.ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Reminder sent to 测试单位");
        Assert.Equal(1, await RemindersAsync());

        await button.ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-remind")).ToContainTextAsync("测试单位: a reminder was already sent today");
        Assert.Equal(1, await RemindersAsync());
        await page.ClickAsync("#confirm-remind button.primary");
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Reminder sent to 测试单位");
        Assert.Equal(2, await RemindersAsync());
    }

    [Theory]
    [InlineData("eml/forwarded.eml", "editor@bulletin.example.org")]
    [InlineData("eml/docx-attachment.eml", "report@suzhou.example.org")]
    public async Task TheSourcePanel_ShowsTheTextTheEntriesCameFrom_EachEntryMarked_AndNoServerPath(string mail, string sender)
    {
        var units = web.Services.GetRequiredService<UnitStore>();
        var suzhou = (await units.LoadAsync(web.Services.GetRequiredService<UnitRegistry>().Sections, CancellationToken.None)).FindByName("苏州市")!;
        await units.UpdateAsync(suzhou with { Senders = [sender] }, "test", CancellationToken.None);
        var submission = (await web.DeliverAsync(Reports.Load(mail))).Single();
        var entries = await Entries.ListBySubmissionAsync(submission.Id, CancellationToken.None);
        Assert.NotEmpty(entries);

        var page = await chromium.SignedInPageAsync(web, $"/submissions/{submission.Id}", "zh-CN");
        var source = page.Locator("#parsed-source");
        await Assertions.Expect(source).ToContainTextAsync("6月15日,赴苏州两家众创空间探讨合作"); // the report, not only the cover line
        foreach (var entry in entries)
        {
            await Assertions.Expect(page.Locator($"#parsed-source mark#m{entry.Id}")).ToContainTextAsync(entry.Text.TrimEnd('。', ';'));
        }

        var html = await page.ContentAsync();
        Assert.DoesNotContain(web.DataDirectory, html, StringComparison.Ordinal);
        Assert.DoesNotContain("maildir:", html, StringComparison.Ordinal);

        // The queue's source link goes to the entry's span.
        await page.GotoAsync($"/queue?period=2016-06&unit={Uri.EscapeDataString("苏州市")}");
        await page.ClickAsync($"#e{entries[0].Id} a[href*='/submissions/']");
        await Assertions.Expect(page.Locator($"mark#m{entries[0].Id}")).ToBeVisibleAsync();
        Assert.EndsWith($"#m{entries[0].Id}", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSourcePanel_MarksNothing_WhereAnEntryCannotBeFound()
    {
        await web.ImportBulletinAsync();
        var entry = (await UnitAsync("宁波市"))[0];
        await Entries.EditAsync(entry.Id, new EntryEdit(BulletinMail.Features.Parsing.ActivityDate.Undated, "<b>编辑改写</b>的内容", "宁波市", null), "test", CancellationToken.None);

        var page = await chromium.SignedInPageAsync(web, $"/submissions/{entry.SubmissionId}");
        await Assertions.Expect(page.Locator("#parsed-source mark").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator($"#m{entry.Id}").CountAsync());
        Assert.Equal(0, await page.Locator("#parsed-source b").CountAsync()); // encoded, never markup
    }

    [Fact]
    public async Task TheUnitField_ResolvesAliases_OffersUnits_AndAsksBeforeAnUnknownUnit()
    {
        await web.ImportBulletinAsync();
        var entry = (await UnitAsync("宁波市"))[0];
        var page = await chromium.SignedInPageAsync(web, $"/queue?period=2016-06&edit={entry.Id}", "zh-CN");
        Assert.Equal(1, await page.Locator("datalist#units option[value='宁波市']").CountAsync());
        Assert.Equal("units", await page.GetAttributeAsync($"#e{entry.Id} input[name=unit]", "list"));

        // An alias is the registered unit.
        await page.FillAsync($"#e{entry.Id} input[name=unit]", "宁波市科协");
        await page.ClickAsync($"#e{entry.Id} button.primary");
        await Assertions.Expect(page.Locator($"#e{entry.Id}:not(form)")).ToBeVisibleAsync();
        Assert.Equal("宁波市", (await Entries.GetAsync(entry.Id, CancellationToken.None))!.Unit);
        Assert.Equal(0, await page.Locator("h3 .warn").CountAsync()); // no unit "not in the registry"

        // An unknown name is not saved until the editor says it is meant.
        await page.GotoAsync($"/queue?period=2016-06&edit={entry.Id}");
        await page.FillAsync($"#e{entry.Id} input[name=unit]", "宁波市科学会");
        await page.ClickAsync($"#e{entry.Id} button.primary");
        await Assertions.Expect(page.Locator("#unit-error")).ToContainTextAsync("“宁波市科学会” 不是已登记的单位或别名");
        Assert.Equal("宁波市科学会", await page.InputValueAsync($"#e{entry.Id} input[name=unit]"));
        Assert.Equal("宁波市", (await Entries.GetAsync(entry.Id, CancellationToken.None))!.Unit);

        await page.CheckAsync("#unit-error input[name=confirmUnit]");
        await page.ClickAsync($"#e{entry.Id} button.primary");
        await Assertions.Expect(page.Locator("h3 .warn")).ToContainTextAsync("未登记");
        Assert.Equal("宁波市科学会", (await Entries.GetAsync(entry.Id, CancellationToken.None))!.Unit);
    }

    [Fact]
    public async Task ARangeFromTheDatePickers_ShowsAsTheBulletinPrintsIt_AndKeysEditAndCancel()
    {
        await web.ImportBulletinAsync();
        var entry = (await UnitAsync("日照市"))[0];
        var page = await chromium.SignedInPageAsync(web, $"/queue?period=2016-06&edit={entry.Id}");
        await page.FillAsync($"#e{entry.Id} input[name=date]", string.Empty);
        await page.FillAsync($"#e{entry.Id} input[name=start]", "2016-06-23");
        await page.FillAsync($"#e{entry.Id} input[name=end]", "2016-06-24");
        await page.ClickAsync($"#e{entry.Id} button.primary");
        await Assertions.Expect(page.Locator($"div#e{entry.Id} .date")).ToHaveTextAsync("6月23-24日");

        // e opens the current entry's form with the cursor in its date; Esc leaves it unsaved.
        await Assertions.Expect(page.Locator($"div#e{entry.Id}.current")).ToBeVisibleAsync(); // the script has loaded and chosen it
        await page.Keyboard.PressAsync("e");
        await Assertions.Expect(page.Locator($"form#e{entry.Id} input[name=date]")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("6月1日");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator($"div#e{entry.Id} .date")).ToHaveTextAsync("6月23-24日");
        Assert.Equal(0, await page.Locator("form.editing").CountAsync());

        // The units table's last column stands under its header.
        await page.GotoAsync("/units?period=2016-06");
        var header = (await page.Locator("table.grid tr").First.Locator("th").Last.BoundingBoxAsync())!;
        var cell = (await page.Locator("table.grid tr").Nth(1).Locator("td").Last.BoundingBoxAsync())!;
        Assert.InRange(cell.X - header.X, -1, 1);
    }

    [Fact]
    public async Task ASentMonth_SaysSo_RefusesEdits_UntilACorrectionWithANote_WhichIsRecorded_AndCorrectsTheArchive()
    {
        // The month approved and mailed to a subscriber.
        await web.ImportBulletinAsync();
        await Entries.SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        var entry = (await UnitAsync("宁波市"))[0];
        await web.Services.GetRequiredService<SubscriberStore>().AddAsync("reader@example.org", null, "test", "test", CancellationToken.None);
        var workflow = web.Services.GetRequiredService<DigestWorkflow>();
        var issue = await workflow.CompileAsync(new BulletinMail.Features.Parsing.Period(2016, 6), "test", CancellationToken.None);
        await workflow.ApproveAsync(new BulletinMail.Features.Parsing.Period(2016, 6), "test", CancellationToken.None);
        await web.Services.GetRequiredService<BulletinSender>().SendAsync("2016-06", "test", null, CancellationToken.None);
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE issues SET sent_at = @at WHERE period = '2016-06' AND state = 'sent'", new { at = new DateTimeOffset(2016, 7, 5, 1, 0, 0, TimeSpan.Zero) });
        }

        var mailed = await Outbox.ReadSentAsync(web.Services, web.DataDirectory);
        var original = entry.Text.TrimEnd('。');
        Assert.Contains(mailed, m => m.To.Mailboxes.Single().Address == "reader@example.org" && m.TextBody!.Contains(original, StringComparison.Ordinal));

        var page = await chromium.SignedInPageAsync(web, "/queue?period=2016-06", "zh-CN");
        await Assertions.Expect(page.Locator("#sent-notice")).ToContainTextAsync("本期简报已发送于 2016-07-05 09:00");
        await Assertions.Expect(page.Locator($"div#e{entry.Id} .actions")).ToBeHiddenAsync();
        await page.ClickAsync($"div#e{entry.Id} .text");
        await Assertions.Expect(page.Locator($"div#e{entry.Id}.current")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("r"); // the key finds no reject button to press
        await Assertions.Expect(page.Locator("#sent-notice")).ToBeVisibleAsync();

        // Nor does the server take an edit of a sent month.
        using (var client = await web.SignedInAsync())
        {
            var refused = await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=edit", new Dictionary<string, string> { ["id"] = $"{entry.Id}", ["date"] = "6月2日", ["text"] = "偷偷改的" });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var approve = await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=approve", new Dictionary<string, string> { ["id"] = $"{entry.Id}" });
            Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        }

        Assert.Equal(entry, await Entries.GetAsync(entry.Id, CancellationToken.None));

        // The explicit step: a correction with its note; then the entry can be changed, and the correction ended.
        await page.FillAsync("#correct-archive input[name=note]", "宁波市的日期写错了");
        await page.ClickAsync("#correct-archive button");
        await Assertions.Expect(page.Locator("#end-correction")).ToContainTextAsync("宁波市的日期写错了");
        await page.GotoAsync($"/queue?period=2016-06&edit={entry.Id}");
        await page.FillAsync($"#e{entry.Id} textarea[name=text]", "更正后的内容");
        await page.ClickAsync($"#e{entry.Id} button.primary");
        await Assertions.Expect(page.Locator($"div#e{entry.Id} .text")).ToContainTextAsync("更正后的内容");
        await page.ClickAsync("#end-correction button");
        await Assertions.Expect(page.Locator("#correct-archive")).ToBeVisibleAsync();

        // The issue's page lists the correction: who, when, the note, what changed.
        await page.GotoAsync("/digest?period=2016-06");
        var correction = page.Locator("#corrections + section.correction");
        await Assertions.Expect(correction).ToContainTextAsync("宁波市的日期写错了");
        await Assertions.Expect(correction).ToContainTextAsync($"ed 修改了 条目 #{entry.Id}");
        await Assertions.Expect(correction).ToContainTextAsync("更正后的内容");
        await page.GotoAsync("/audit");
        await Assertions.Expect(page.Locator("table.audit")).ToContainTextAsync($"ed 开始更正 简报 #{issue.Id}:“宁波市的日期写错了”");
        await Assertions.Expect(page.Locator("table.audit")).ToContainTextAsync($"ed 将更正后的 简报 #{issue.Id} 存入往期简报:91 → 91 条");

        // The archive shows the bulletin as corrected, and says when; no subscriber is mailed again.
        var corrected = (await web.Services.GetRequiredService<IssueStore>().GetAsync("2016-06", CancellationToken.None))!;
        var correctedOn = web.Services.GetRequiredService<BulletinCompiler>().DateLine(corrected.CorrectedAt!.Value);
        await page.GotoAsync($"/archive/{issue.Number}");
        await Assertions.Expect(page.Locator("#corrected")).ToHaveTextAsync($"本期于 {correctedOn} 更正");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("更正后的内容");
        Assert.DoesNotContain(original, await page.InnerTextAsync("body"), StringComparison.Ordinal);
        using (var reader = web.Client("en"))
        {
            Assert.Contains("This issue was corrected on ", await reader.GetStringAsync(new Uri($"/archive/{issue.Number}", UriKind.Relative)), StringComparison.Ordinal);
        }

        await page.GotoAsync("/digest?period=2016-06");
        await Assertions.Expect(page.Locator("#archive-corrected")).ToContainTextAsync("往期简报中显示的是更正后的版本");
        Assert.Equal(mailed.Count, (await Outbox.ReadSentAsync(web.Services, web.DataDirectory)).Count);
    }

    [Fact]
    public async Task TheWords_AreOneGlossary_AndTheAuditLogReadsAsSentences()
    {
        await web.ImportBulletinAsync();
        var entry = (await UnitAsync("宁波市"))[0];
        var subscribers = web.Services.GetRequiredService<SubscriberStore>();
        await subscribers.AddAsync("reader@example.org", "读者", "test", "test", CancellationToken.None);
        await subscribers.RequestAsync("new@example.org", null, "web", CancellationToken.None);
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE entries SET warnings = '[\"date-outside-period\",\"long-clause\"]' WHERE id = @Id", new { entry.Id });
        }

        var page = await chromium.SignedInPageAsync(web, "/queue?period=2016-06", "zh-CN");
        await page.ClickAsync($"div#e{entry.Id} button[data-key=a]");
        await Assertions.Expect(page.Locator($"div#e{entry.Id} .badge.approved")).ToHaveTextAsync("已通过");
        await Assertions.Expect(page.Locator($"div#e{entry.Id} .warning").First).ToHaveTextAsync("日期不在本期之内。"); // a sentence, not date-outside-period

        await page.GotoAsync("/audit");
        var log = page.Locator("table.audit");
        await Assertions.Expect(log).ToContainTextAsync($"ed 通过了 条目 #{entry.Id} (宁波市, 5月31-6月1日)");
        await Assertions.Expect(log).ToContainTextAsync("test 将 订阅者 reader@example.org 设为 有效");
        Assert.DoesNotContain("{\"", await log.InnerTextAsync(), StringComparison.Ordinal); // no JSON

        await page.GotoAsync("/subscribers");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "new@example.org" }).Locator(".badge")).ToHaveTextAsync("待确认");
        Assert.Contains("来源", await page.InnerTextAsync("table.grid tr >> nth=0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTextBulletinAndTheFeed_ShowTheEditorsWords_WithoutMarkdown()
    {
        await web.ImportBulletinAsync();
        var page = await chromium.SignedInPageAsync(web, "/digest?period=2016-06", "zh-CN");
        await page.FillAsync("input[name=heading] >> nth=0", "综述");
        await page.FillAsync("textarea[name=markdown] >> nth=0", "本月共举办活动 **28** 场,详见 [简报](https://example.org/archive)。");
        await page.ClickAsync("form[action*=editorials] button");
        await page.ClickAsync("button[formaction$='handler=compile']");
        await Assertions.Expect(page.Locator("p.notice")).ToContainTextAsync("已编排");

        await page.GotoAsync("/digest/preview?period=2016-06&format=text");
        var text = await page.InnerTextAsync("body");
        Assert.Contains("本月共举办活动 28 场,详见 简报。", text, StringComparison.Ordinal);
        Assert.DoesNotContain("**", text, StringComparison.Ordinal);

        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE issues SET state = 'sent', sent_at = @at WHERE period = '2016-06'", new { at = DateTimeOffset.UtcNow });
        }

        using var reader = web.Client();
        var feed = await reader.GetStringAsync(new Uri("/archive/feed.atom", UriKind.Relative));
        Assert.Contains("本月共举办活动 28 场", feed, StringComparison.Ordinal);
        Assert.DoesNotContain("**", feed, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 12's "done when": the editor's month walked in Chromium, in Chinese, in the order the
    /// editor met it — the landing page, the queue found from it, a filtered bulk approve, a failed
    /// edit, the held page, a GBK subscriber list, the send with its confirmation, the sent month —
    /// leaving screenshots of the landing page, queue, held page and import at 1366 and 390 px.
    /// </summary>
    [Fact]
    public async Task TheEditorsMonth_FromTheLandingPage_ToTheSentIssue()
    {
        // The month as it arrived: 91 entries, one of them parsed with low confidence, and a report from an unknown sender.
        await web.ImportBulletinAsync();
        var quanzhou = await UnitAsync("泉州市");
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE entries SET confidence = 0.5 WHERE id = @Id", new { quanzhou[1].Id });
        }

        const string stranger = "new-secretary@baoding.example.org";
        await web.DeliverAsync(Reports.Plain(stranger, "保定市科协2016年6月工作情况", "6月3日,召开理事会;6月5日,举办科普日活动。"));

        // 1. The landing page says what waits, and leads to the month that needs work.
        var page = await chromium.SignedInPageAsync(web, "/", "zh-CN");
        await Assertions.Expect(page.Locator("#waiting-pending strong")).ToHaveTextAsync("91");
        await Assertions.Expect(page.Locator("#waiting-held")).ToContainTextAsync("待处理 1");
        await ChromiumFixture.ScreenshotsAsync(page, "landing");
        await page.ClickAsync("#waiting-pending a[data-period='2016-06']");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("审核队列 2016-06");
        await Assertions.Expect(page.Locator("[data-entry]")).ToHaveCountAsync(91); // the held report's preview is not in the queue
        await ChromiumFixture.ScreenshotsAsync(page, "queue");

        // 2. A bulk approve under the low-confidence filter approves what the page shows, says how many, and can be undone.
        await page.ClickAsync(".filters input[name=low]");
        await page.ClickAsync(".filters button");
        var approveAll = page.Locator("button[data-approve-unit='泉州市']");
        await Assertions.Expect(approveAll).ToContainTextAsync("全部通过 (1)");
        await approveAll.ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("1 条已通过。");
        Assert.Equal(1, (await UnitAsync("泉州市")).Count(e => e.Status == EntryStore.Approved));
        await Assertions.Expect(page.Locator("#notice button")).ToHaveTextAsync("撤销");

        // 3. A failed edit keeps what was typed beside its error, and the view the editor came from.
        var rizhao = (await UnitAsync("日照市"))[2];
        await page.GotoAsync("/queue?period=2016-06&status=pending");
        await page.ClickAsync($"#e{rizhao.Id} [data-key=e]");
        await page.FillAsync($"#e{rizhao.Id} input[name=date]", "6月32日");
        await page.ClickAsync($"#e{rizhao.Id} button.primary");
        await Assertions.Expect(page.Locator($"#e{rizhao.Id} .field-error")).ToContainTextAsync("无法识别该日期");
        Assert.Equal("6月32日", await page.InputValueAsync($"#e{rizhao.Id} input[name=date]"));
        Assert.Equal("pending", await page.InputValueAsync(".filters select[name=status]"));
        Assert.Equal(string.Empty, await page.InputValueAsync(".filters select[name=unit]"));
        Assert.Equal(rizhao.DateText, (await Entries.GetAsync(rizhao.Id, CancellationToken.None))!.DateText);

        // 4. The held page: the unknown sender's report is offered what fits, in Chinese; assigned, it is read.
        await page.GotoAsync("/held");
        var report = (await web.Services.GetRequiredService<SubmissionStore>().ListAsync(null, SubmissionStatus.Held, CancellationToken.None)).Single();
        var row = page.Locator($"#s{report.Id}");
        await Assertions.Expect(row.Locator(".reason")).ToContainTextAsync("未知发件人 " + stranger);
        Assert.Equal(0, await row.Locator("form[action*=release]").CountAsync());
        await ChromiumFixture.ScreenshotsAsync(page, "held");
        await row.Locator("input[name=unit]").FillAsync("保定市");
        await row.Locator("button.primary").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("已作为以下单位的报告读入: 保定市 (2016-06), 2 条待审。");

        // 5. A subscriber list from Chinese Excel (GBK, Chinese headers) is previewed, then imported with its names.
        await page.GotoAsync("/subscribers");
        var csv = TextDecoder.Gb18030.GetBytes("邮箱,姓名\r\nzhang@example.org,张三\r\nli@example.org,李四\r\n不是地址,王五\r\n");
        await page.SetInputFilesAsync("input[name=file]", new FilePayload { Name = "订阅者.csv", MimeType = "text/csv", Buffer = csv });
        await page.ClickAsync("text=导入 CSV");
        var preview = page.Locator("#import-preview");
        await Assertions.Expect(preview.Locator("tr.Added")).ToHaveCountAsync(2);
        await Assertions.Expect(preview.Locator("tr.invalid")).ToContainTextAsync("不是有效的邮箱地址");
        await ChromiumFixture.ScreenshotsAsync(page, "subscriber-import");
        await page.ClickAsync("#confirm-import");
        await Assertions.Expect(page.Locator("p.notice").First).ToContainTextAsync("2 新增");
        Assert.Equal("张三", (await web.Services.GetRequiredService<SubscriberStore>().FindAsync("zhang@example.org", CancellationToken.None))!.Name);

        // 6. The send shows who and how many, and asks once; only the confirmation sends.
        await Entries.SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        await page.GotoAsync("/digest?period=2016-06");
        await page.ClickAsync("button[formaction$='handler=compile']");
        await page.ClickAsync("button[formaction$='handler=approve']");
        await Assertions.Expect(page.Locator("p.notice")).ToContainTextAsync("已通过。");
        await page.ClickAsync("button[formaction$='handler=send']");
        var confirm = page.Locator("#confirm-send");
        await Assertions.Expect(confirm).ToContainTextAsync("2 位有效订阅者");
        await Assertions.Expect(confirm).ToContainTextAsync("zhang@example.org");
        var issues = web.Services.GetRequiredService<IssueStore>();
        Assert.Equal(IssueState.Approved, (await issues.GetAsync("2016-06", CancellationToken.None))!.State);
        await confirm.Locator("button.primary").ClickAsync();
        await web.WaitUntilSentAsync("2016-06");

        // 7. The sent month says so, and its entries are closed until a correction is opened.
        await page.GotoAsync("/queue?period=2016-06");
        await Assertions.Expect(page.Locator("#sent-notice")).ToContainTextAsync("本期简报已发送于");
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"), await page.InnerTextAsync("#sent-notice"));
        await Assertions.Expect(page.Locator("#correct-archive input[name=note]")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator(".entry .actions button:visible").CountAsync());
    }
}
