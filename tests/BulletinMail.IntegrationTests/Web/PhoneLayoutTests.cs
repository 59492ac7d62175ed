using Microsoft.Playwright;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>The editors' pages on a 390-px phone screen, in Debian's Chromium.</summary>
public sealed class PhoneLayoutTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    [Fact]
    public async Task TheNavigation_WrapsWholeLinks_NeverACharacterALine()
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString(), Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=name]", WebHarness.EditorName);
        await page.FillAsync("input[name=password]", WebHarness.Password);
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync(".top nav");

        var links = page.Locator(".top nav a");
        var lineHeight = (await links.First.BoundingBoxAsync())!.Height;
        for (var i = 0; i < await links.CountAsync(); i++)
        {
            var box = (await links.Nth(i).BoundingBoxAsync())!;
            Assert.True(box.Height < lineHeight * 1.5, $"'{await links.Nth(i).InnerTextAsync()}' takes {box.Height:0} px, more than one line of {lineHeight:0} px");
        }

        await context.CloseAsync();
    }
}
