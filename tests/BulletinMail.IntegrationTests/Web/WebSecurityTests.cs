using System.Net;
using BulletinMail.Features.Accounts;
using BulletinMail.Features.Review;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>Accounts and the protections of the pages, over HTTP against the real server.</summary>
public sealed class WebSecurityTests : IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync();

    public async Task DisposeAsync() => await web.DisposeAsync();

    [Theory]
    [InlineData("/queue")]
    [InlineData("/held")]
    [InlineData("/units")]
    [InlineData("/audit")]
    [InlineData("/submissions/1")]
    [InlineData("/admin/users")]
    public async Task AnonymousRequests_AreSentToLogin(string path)
    {
        using var client = web.Client();
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryToken_IsRefused()
    {
        await web.ImportBulletinAsync();
        var entry = (await web.Services.GetRequiredService<EntryStore>().ListAsync("2016-06", null, CancellationToken.None))[0];
        using var client = await web.SignedInAsync();

        var refused = await client.PostAsync(new Uri("/queue?handler=approve", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = $"{entry.Id}" }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(EntryStore.Pending, (await web.Services.GetRequiredService<EntryStore>().GetAsync(entry.Id, CancellationToken.None))!.Status);

        // The same POST with the token goes through: the refusal was the token's doing.
        var accepted = await WebHarness.PostFormAsync(client, "/queue?period=2016-06", "/queue?handler=approve", new Dictionary<string, string> { ["id"] = $"{entry.Id}" });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(EntryStore.Approved, (await web.Services.GetRequiredService<EntryStore>().GetAsync(entry.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task TheLoginFormItself_NeedsTheToken()
    {
        using var client = web.Client();
        var response = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = WebHarness.EditorName, ["password"] = WebHarness.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task HangfireDashboard_IsForAdminsOnly()
    {
        using var anonymous = web.Client();
        var toLogin = await anonymous.GetAsync(new Uri("/hangfire", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        Assert.StartsWith("/login", toLogin.Headers.Location!.AbsolutePath, StringComparison.Ordinal);

        using var editor = await web.SignedInAsync(WebHarness.EditorName);
        var denied = await editor.GetAsync(new Uri("/hangfire", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/denied", denied.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync(denied.Headers.Location)).StatusCode);

        using var admin = await web.SignedInAsync(WebHarness.AdminName);
        var dashboard = await admin.GetAsync(new Uri("/hangfire", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Hangfire", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editors_CannotReachAdminPages()
    {
        using var editor = await web.SignedInAsync(WebHarness.EditorName);
        var response = await editor.GetAsync(new Uri("/admin/users", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/denied", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);

        using var admin = await web.SignedInAsync(WebHarness.AdminName);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount()
    {
        using var client = web.Client("en");
        for (var i = 0; i < UserStore.MaxFailedLogins; i++)
        {
            var wrong = await WebHarness.SignInAsync(client, WebHarness.EditorName, $"wrong-password-{i}");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode); // the form again, with the error
        }

        var locked = await WebHarness.SignInAsync(client, WebHarness.EditorName, WebHarness.Password);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var account = await web.Services.GetRequiredService<UserStore>().FindAsync(WebHarness.EditorName, CancellationToken.None);
        Assert.True(account!.LockedUntil > DateTimeOffset.UtcNow.AddMinutes(10));

        // An admin setting a new password lifts the lock.
        await web.Services.GetRequiredService<UserStore>().SetPasswordAsync(WebHarness.EditorName, WebHarness.Password, "test", CancellationToken.None);
        Assert.Equal(HttpStatusCode.Redirect, (await WebHarness.SignInAsync(web.Client(), WebHarness.EditorName, WebHarness.Password)).StatusCode);
    }

    [Fact]
    public async Task EveryPage_CarriesTheSecurityHeaders()
    {
        using var client = await web.SignedInAsync();
        foreach (var path in (string[])["/login", "/queue", "/units", "/audit"])
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task TheSignInCookie_IsHttpOnly()
    {
        using var client = web.Client();
        var response = await WebHarness.SignInAsync(client, WebHarness.EditorName, WebHarness.Password);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bulletinmail.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FirstStart_CreatesAnAdmin_Once()
    {
        // This database has accounts already: nothing is created.
        var users = web.Services.GetRequiredService<UserStore>();
        Assert.Null(await users.EnsureFirstAdminAsync(CancellationToken.None));

        await using var fresh = await IntakeHarness.CreateAsync(new Dictionary<string, string?>());
        var store = fresh.Services.GetRequiredService<UserStore>();
        var password = await store.EnsureFirstAdminAsync(CancellationToken.None);
        Assert.NotNull(password);
        Assert.True(password.Length >= UserStore.MinPasswordLength);
        Assert.Null(await store.EnsureFirstAdminAsync(CancellationToken.None));
        var (result, user) = await store.SignInAsync("admin", password, CancellationToken.None);
        Assert.Equal(SignInResult.Success, result);
        Assert.Equal(UserStore.Admin, user!.Role);
    }

    [Theory]
    [InlineData("en-US,en;q=0.9", "Queue")]
    [InlineData("zh-CN,zh;q=0.9", "审核队列")]
    [InlineData("fr-FR", "审核队列")] // neither: the house language
    public async Task TheLanguage_FollowsTheBrowser(string acceptLanguage, string heading)
    {
        using var client = web.Client(acceptLanguage);
        Assert.Equal(HttpStatusCode.Redirect, (await WebHarness.SignInAsync(client, WebHarness.EditorName, WebHarness.Password)).StatusCode);
        var html = await client.GetStringAsync(new Uri("/queue?period=2016-06", UriKind.Relative));
        Assert.Contains($"<h1>{heading} ", html, StringComparison.Ordinal);
    }
}
