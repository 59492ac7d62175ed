using BulletinMail.Data;
using BulletinMail.Features.Review;
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
        await ChromiumFixture.ScreenshotAsync(page, "landing.png");

        // The period links to its queue; the queue lists the periods with work and their counts.
        await page.ClickAsync("#waiting-pending a[data-period='2016-06']");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("2016-06");
        Assert.Equal(91, await page.Locator("[data-entry]").CountAsync());
        await Assertions.Expect(page.Locator("nav.periods a.current")).ToContainTextAsync("pending 91");

        // With no period the queue opens the oldest month with work, not the (empty) current one.
        await page.GotoAsync("/queue");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("2016-06");

        // A mistyped month is reported beside the field, as typed, and nothing else is shown in its place.
        await page.GotoAsync("/queue?period=2016-6");
        await Assertions.Expect(page.Locator("#period-error")).ToContainTextAsync("A period is written YYYY-MM, not \"2016-6\"");
        Assert.Equal(0, await page.Locator("[data-entry]").CountAsync());
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
}
