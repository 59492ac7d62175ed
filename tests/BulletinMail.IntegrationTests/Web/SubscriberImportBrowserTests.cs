using BulletinMail.Features.Extraction;
using BulletinMail.Features.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>A GBK list from Chinese Excel imported in Chromium: the preview, then the confirmation (issue 12 item 3).</summary>
public sealed class SubscriberImportBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    [Fact]
    public async Task AGbkList_IsPreviewedInChinese_ThenImported()
    {
        var subscribers = web.Services.GetRequiredService<SubscriberStore>();
        await subscribers.AddAsync("li@example.org", "????", "test", "test", CancellationToken.None);
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString(), Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=name]", WebHarness.EditorName);
        await page.FillAsync("input[name=password]", WebHarness.Password);
        await page.ClickAsync("button.primary");
        await page.GotoAsync("/subscribers");

        var csv = TextDecoder.Gb18030.GetBytes("邮箱,姓名\r\nzhang@example.org,张三\r\nli@example.org,李四\r\n不是地址,王五\r\n");
        await page.SetInputFilesAsync("input[name=file]", new FilePayload { Name = "订阅者.csv", MimeType = "text/csv", Buffer = csv });
        await page.ClickAsync("text=导入 CSV");

        var preview = page.Locator("#import-preview");
        await Assertions.Expect(preview).ToContainTextAsync("导入预览");
        await Assertions.Expect(preview.Locator("tr.Added")).ToContainTextAsync("张三");
        await Assertions.Expect(preview.Locator("tr.Renamed")).ToContainTextAsync("李四");
        await Assertions.Expect(preview.Locator("tr.invalid")).ToContainTextAsync("不是有效的邮箱地址");
        Assert.Null(await subscribers.FindAsync("zhang@example.org", CancellationToken.None));
        var artifacts = Path.Combine(IntakeHarness.RepositoryRoot, "TestResults", "screenshots");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "subscriber-import-1366.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "subscriber-import-390.png"), FullPage = true });

        await page.ClickAsync("#confirm-import");
        await Assertions.Expect(page.Locator("p.notice").First).ToContainTextAsync("1 新增, 1 姓名变更");
        Assert.Equal("张三", (await subscribers.FindAsync("zhang@example.org", CancellationToken.None))!.Name);
        Assert.Equal("李四", (await subscribers.FindAsync("li@example.org", CancellationToken.None))!.Name);
    }
}
