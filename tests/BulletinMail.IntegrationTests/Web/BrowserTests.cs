using BulletinMail.Features.Accounts;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>Debian's Chromium, headless, driven by Playwright: one per test class.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The Debian package, installed by tests/run.sh: Playwright's own browser download is not used.
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });

        // As long as Playwright's actions may take: 5 s is short on two busy cores running servers.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    /// <summary>A new browser context at <paramref name="start"/>, signed in as the editor through the login page it is sent to.</summary>
    public async Task<IPage> SignedInPageAsync(WebHarness web, string start = "/queue?period=2016-06", string locale = "en-US", int width = 1280)
    {
        ArgumentNullException.ThrowIfNull(web);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString(), Locale = locale, ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(start);
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal); // sent to sign in first
        await page.FillAsync("input[name=name]", WebHarness.EditorName);
        await page.FillAsync("input[name=password]", WebHarness.Password);
        await page.ClickAsync("button.primary");
        await page.WaitForURLAsync(url => url == new Uri(web.BaseAddress, start).ToString());
        return page;
    }

    /// <summary>Keeps a screenshot of the page in TestResults/screenshots (the run's artifacts).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var artifacts = Path.Combine(IntakeHarness.RepositoryRoot, "TestResults", "screenshots");
        Directory.CreateDirectory(artifacts);
        var shot = Path.Combine(artifacts, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = false });
        Assert.True(new FileInfo(shot).Length > 10_000);
    }

    /// <summary>Screenshots at a laptop's width and a phone's (<c>NAME-1366.png</c>, <c>NAME-390.png</c>), the viewport put back after.</summary>
    public static async Task ScreenshotsAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var size = page.ViewportSize;
        foreach (var width in (int[])[1366, 390])
        {
            await page.SetViewportSizeAsync(width, 900);
            await ScreenshotAsync(page, $"{name}-{width}.png");
        }

        await page.SetViewportSizeAsync(size!.Width, size.Height);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

/// <summary>An editor's work in a real browser: sign in, edit, approve, headline, reject, switch language; and mail that attacks the page.</summary>
public sealed class BrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    private Task<IPage> SignedInPageAsync(string locale = "en-US") => chromium.SignedInPageAsync(web, locale: locale);

    [Fact]
    public async Task AnEditor_ReviewsAPeriod()
    {
        await web.ImportBulletinAsync();
        var entries = web.Services.GetRequiredService<EntryStore>();
        var all = await entries.ListAsync("2016-06", null, CancellationToken.None);
        var page = await SignedInPageAsync();
        Assert.Equal(all.Count, await page.Locator("[data-entry]").CountAsync());

        // Edit the date and text of 保定市's first entry.
        var baoding = all.First(e => e.Unit == "保定市");
        await page.ClickAsync($"#e{baoding.Id} [data-key=e]");
        await page.FillAsync($"#e{baoding.Id} input[name=date]", "6月16日");
        await page.FillAsync($"#e{baoding.Id} textarea[name=text]", "保定市科协召开全委会(编辑后)");
        await page.ClickAsync($"#e{baoding.Id} button.primary");
        await page.WaitForSelectorAsync($"#e{baoding.Id} .edited");
        var edited = await entries.GetAsync(baoding.Id, CancellationToken.None);
        Assert.Equal("6月16日", edited!.DateText);
        Assert.Equal(new DateOnly(2016, 6, 16), edited.DateStart);
        Assert.Equal("保定市科协召开全委会(编辑后)", edited.Text);
        Assert.Equal(WebHarness.EditorName, edited.EditedBy);

        // Approve all of 保定市.
        await page.ClickAsync("button[data-approve-unit='保定市']");
        await page.WaitForSelectorAsync($"#e{baoding.Id}.approved");
        Assert.All((await entries.ListAsync("2016-06", null, CancellationToken.None)).Where(e => e.Unit == "保定市"), e => Assert.Equal(EntryStore.Approved, e.Status));

        // Mark another unit's entry as a headline.
        var headline = all.First(e => e.Unit == "永川区");
        await page.ClickAsync($"#e{headline.Id} button[formaction*=headline]");
        await page.WaitForSelectorAsync($"#e{headline.Id}.headline");
        Assert.True((await entries.GetAsync(headline.Id, CancellationToken.None))!.Headline);

        // Reject one with the keyboard: select it, press r.
        var rejected = all.Last(e => e.Unit == "永川区");
        await page.ClickAsync($"#e{rejected.Id} .text");
        await page.Keyboard.PressAsync("r");
        await page.WaitForSelectorAsync($"#e{rejected.Id}.rejected");
        Assert.Equal(EntryStore.Rejected, (await entries.GetAsync(rejected.Id, CancellationToken.None))!.Status);

        // j moves to the next entry and a approves it.
        await page.Keyboard.PressAsync("j");
        var next = await page.Locator(".entry.current").GetAttributeAsync("id");
        await page.Keyboard.PressAsync("a");
        await page.WaitForSelectorAsync($"#{next}.approved");

        // Every change is in the audit log, as this editor's.
        var audit = await web.Services.GetRequiredService<AuditLog>().ListAsync(WebHarness.EditorName, "entry", null, null, 500, CancellationToken.None);
        Assert.Contains(audit, r => r.Action == "entry.edit" && r.EntityId == baoding.Id && r.Before!.Contains(baoding.Text, StringComparison.Ordinal) && r.After!.Contains("编辑后", StringComparison.Ordinal));
        Assert.Contains(audit, r => r.Action == "entry.approved" && r.EntityId == baoding.Id);
        Assert.Contains(audit, r => r.Action == "entry.headline" && r.EntityId == headline.Id);
        Assert.Contains(audit, r => r.Action == "entry.rejected" && r.EntityId == rejected.Id);
        await page.GotoAsync("/audit");
        Assert.True(await page.Locator("tr[data-action='entry.edit']").CountAsync() >= 1);

        // The queue as an editor sees it, kept as a test artifact.
        await page.GotoAsync("/queue?period=2016-06");
        await ChromiumFixture.ScreenshotAsync(page, "queue.png");
    }

    [Fact]
    public async Task ANewPassword_EndsTheBrowsersSession_AtItsNextClick()
    {
        await web.ImportBulletinAsync();
        var page = await SignedInPageAsync();
        var cookies = await page.Context.CookiesAsync();

        // An admin sets a new password (the editor's laptop was lost, say): the open page's next request is sent to sign in.
        await web.Services.GetRequiredService<BulletinMail.Features.Accounts.UserStore>().SetPasswordAsync(WebHarness.EditorName, "another-long-password", "test", CancellationToken.None);
        await page.GotoAsync("/units");
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);

        // A copy of the old cookie, put back, opens nothing either.
        await page.Context.AddCookiesAsync(cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        await page.GotoAsync("/queue?period=2016-06");
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLanguageSwitch_ChangesEveryPage()
    {
        await web.ImportBulletinAsync();
        var page = await SignedInPageAsync("en-US");
        Assert.StartsWith("Queue", await page.InnerTextAsync("h1"), StringComparison.Ordinal);

        // The switch posts and comes back to the same address: wait for the new heading, not the URL.
        await page.ClickAsync("button[name=culture][value=zh-CN]");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("审核队列");
        await page.GotoAsync("/units?period=2016-06");
        Assert.StartsWith("报送单位", await page.InnerTextAsync("h1"), StringComparison.Ordinal);

        await page.ClickAsync("button[name=culture][value=en]");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Units");
        Assert.EndsWith("/units?period=2016-06", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileMail_ShowsAsInertText()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("attacker@evil.example.net"));
        message.To.Add(MailboxAddress.Parse("submit@bulletin.example.org"));
        message.Subject = "<script>alert('subject')</script>6月工作情况";
        message.MessageId = "xss@evil.example.net";
        var tracker = new Uri(web.BaseAddress, "/track.png?who=editor");
        message.Body = new MultipartAlternative
        {
            new TextPart("plain") { Text = "6月3日,<script>alert('text')</script>召开理事会。" },
            new TextPart("html")
            {
                Text = $"""
                    <html><body onload="alert('body')">
                    <p>6月3日,召开理事会。<script>alert('script')</script></p>
                    <img src="x" onerror="alert('onerror')">
                    <img src="{tracker}">
                    <a href="javascript:alert('link')">点击</a>
                    <iframe src="javascript:alert('frame')"></iframe>
                    <svg><script>alert('svg')</script></svg>
                    </body></html>
                    """,
            },
        };
        var submissions = await web.DeliverAsync(message);
        var id = submissions.Single().Id;

        var page = await SignedInPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        await page.GotoAsync($"/submissions/{id}");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Contains("召开理事会", await page.InnerTextAsync("#original"), StringComparison.Ordinal);
        Assert.Contains("<script>alert('subject')</script>", await page.InnerTextAsync("dl.facts"), StringComparison.Ordinal); // shown as text
        Assert.Equal(0, await page.Locator("#original script, #original iframe, #original [onerror], #original [onload], #original a[href^='javascript']").CountAsync());
        Assert.DoesNotContain(requested, url => url.Contains("track.png", StringComparison.Ordinal)); // no remote image unless asked

        // Asked for, the remote image loads; the script still does not run.
        await page.ClickAsync("a[href*='images=true']");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Contains(requested, url => url.Contains("track.png", StringComparison.Ordinal));
        Assert.Empty(dialogs);
    }
}
