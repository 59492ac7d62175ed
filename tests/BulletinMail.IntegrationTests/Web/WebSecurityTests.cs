using System.Net;
using System.Text.RegularExpressions;
using BulletinMail.Data;
using BulletinMail.Features.Accounts;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Review;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>Accounts and the protections of the pages, over HTTP against the real server.</summary>
public sealed partial class WebSecurityTests : IAsyncLifetime
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
    public async Task EveryFailedSignIn_GetsTheSameAnswer_InTheSameTime_AndADelayIsWaitedOut()
    {
        using var client = web.Client("en");
        var failures = new List<(string Kind, TimeSpan Time, string Error)>();
        async Task FailAsync(string kind, string name, string password)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var response = await WebHarness.SignInAsync(client, name, password);
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the form again, with the error
            failures.Add((kind, watch.Elapsed, ErrorOf(await response.Content.ReadAsStringAsync())));
        }

        // A first sign-in warms the host up (pages compiled, hasher and database used); it clears nothing that follows.
        Assert.Equal(HttpStatusCode.Redirect, (await WebHarness.SignInAsync(web.Client(), WebHarness.AdminName, WebHarness.Password)).StatusCode);

        // Interleaved, so that a busy moment of the machine falls on both kinds alike.
        for (var i = 0; i < 3; i++)
        {
            await FailAsync("wrong password", WebHarness.EditorName, $"wrong-password-{i}");
            await FailAsync("unknown name", $"nobody-{i}", WebHarness.Password);
        }

        // Five failures from this address: it waits a second, even with the right password.
        await FailAsync("delayed", WebHarness.EditorName, WebHarness.Password);

        Assert.Single(failures.Select(f => f.Error).Distinct());

        // The lockout this replaces answered in 3 ms against 160 ms for a wrong password.
        var typical = failures.Where(f => f.Kind == "wrong password").Select(f => f.Time).Order().ElementAt(1);
        Assert.All(failures, f => Assert.True(f.Time > typical * 0.25, $"{f.Kind} answered in {f.Time.TotalMilliseconds} ms, a wrong password in {typical.TotalMilliseconds} ms"));

        // The delay (a second or two, as slow as this machine was) is waited out, not 15 minutes.
        DateTimeOffset waitUntil;
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            waitUntil = await connection.ExecuteScalarAsync<DateTimeOffset>("SELECT MAX(not_before) FROM sign_in_failures");
        }

        Assert.True(waitUntil < DateTimeOffset.UtcNow.AddSeconds(10), $"a delay until {waitUntil:O}");
        await Task.Delay((waitUntil - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100)) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Redirect, (await WebHarness.SignInAsync(client, WebHarness.EditorName, WebHarness.Password)).StatusCode);
    }

    [Fact]
    public void TheSignInDelay_Grows_AndIsCapped()
    {
        var name = SignInThrottle.NameKey(WebHarness.EditorName);
        var address = SignInThrottle.AddressKey("192.0.2.7");
        Assert.Equal(TimeSpan.Zero, SignInThrottle.Delay(name, SignInThrottle.FreeFailures - 1));
        Assert.Equal(TimeSpan.FromSeconds(1), SignInThrottle.Delay(name, SignInThrottle.FreeFailures));
        Assert.Equal(TimeSpan.FromSeconds(8), SignInThrottle.Delay(address, SignInThrottle.FreeFailures + 3));
        Assert.Equal(SignInThrottle.MaxNameDelay, SignInThrottle.Delay(name, 1000));
        Assert.Equal(SignInThrottle.MaxAddressDelay, SignInThrottle.Delay(address, 1000));
    }

    [Fact]
    public async Task SigningOut_EndsEverySessionOfTheAccount()
    {
        using var laptop = await web.SignedInAsync();
        using var phone = await web.SignedInAsync();
        using var otherEditor = await web.SignedInAsync(WebHarness.AdminName);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(new Uri("/queue", UriKind.Relative))).StatusCode);

        var signedOut = await WebHarness.PostFormAsync(laptop, "/queue", "/logout", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        await AssertSentToLoginAsync(phone, "/queue");
        Assert.Equal(HttpStatusCode.OK, (await otherEditor.GetAsync(new Uri("/queue", UriKind.Relative))).StatusCode); // another account's session stays
    }

    [Fact]
    public async Task ANewPassword_AndTheFifthWrongOne_EndTheSessions()
    {
        var users = web.Services.GetRequiredService<UserStore>();
        using var before = await web.SignedInAsync();
        await users.SetPasswordAsync(WebHarness.EditorName, WebHarness.Password, "test", CancellationToken.None);
        await AssertSentToLoginAsync(before, "/queue");

        using var session = await web.SignedInAsync();
        using var guesser = web.Client();
        for (var i = 0; i < SignInThrottle.FreeFailures; i++)
        {
            await WebHarness.SignInAsync(guesser, WebHarness.EditorName, $"guess-{i}");
        }

        await AssertSentToLoginAsync(session, "/queue");
    }

    [Fact]
    public async Task TheLastAdmin_CannotBeMadeAnEditor()
    {
        // Leave one admin: the first start's own account steps down while another admin remains.
        var users = web.Services.GetRequiredService<UserStore>();
        foreach (var other in (await users.ListAsync(CancellationToken.None)).Where(u => u.Role == UserStore.Admin && u.Name != WebHarness.AdminName))
        {
            Assert.True(await users.SetRoleAsync(other.Name, UserStore.Editor, "test", CancellationToken.None));
        }

        using var admin = await web.SignedInAsync(WebHarness.AdminName);
        var refused = await WebHarness.PostFormAsync(admin, "/admin/users", "/admin/users?handler=role", new Dictionary<string, string> { ["name"] = WebHarness.AdminName, ["role"] = UserStore.Editor });
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("是最后一位管理员", await admin.GetStringAsync(new Uri("/admin/users", UriKind.Relative)), StringComparison.Ordinal); // said in the page's Chinese
        Assert.Equal(UserStore.Admin, (await users.FindAsync(WebHarness.AdminName, CancellationToken.None))!.Role);

        // With a second admin, either may step down.
        await users.AddAsync("boss2", UserStore.Admin, WebHarness.Password, "test", CancellationToken.None);
        Assert.True(await users.SetRoleAsync(WebHarness.AdminName, UserStore.Editor, "test", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => users.SetRoleAsync("boss2", UserStore.Editor, "test", CancellationToken.None));
    }

    [Fact]
    public async Task ADemotedAdmin_LosesTheRoleAtTheNextRequest_AndCannotPromoteAnyone()
    {
        // The attack: a demoted admin keeps using the cookie he signed in with.
        var users = web.Services.GetRequiredService<UserStore>();
        await users.AddAsync("boss2", UserStore.Admin, WebHarness.Password, "test", CancellationToken.None);
        using var demoted = await web.SignedInAsync(WebHarness.AdminName);
        var token = await WebHarness.TokenAsync(demoted, "/admin/users");
        using var other = await web.SignedInAsync("boss2");
        var changed = await WebHarness.PostFormAsync(other, "/admin/users", "/admin/users?handler=role", new Dictionary<string, string> { ["name"] = WebHarness.AdminName, ["role"] = UserStore.Editor });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        var promote = await demoted.PostAsync(new Uri("/admin/users?handler=role", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = WebHarness.EditorName, ["role"] = UserStore.Admin, ["__RequestVerificationToken"] = token,
        }));
        Assert.NotEqual(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal(UserStore.Editor, (await users.FindAsync(WebHarness.EditorName, CancellationToken.None))!.Role);
        await AssertSentToLoginAsync(demoted, "/admin/users");

        // The role comes from the database at every request, whatever the cookie says.
        using var admin = await web.SignedInAsync("boss2");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode);
        await using (var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE users SET role = 'editor' WHERE name = 'boss2'");
        }

        var denied = await admin.GetAsync(new Uri("/admin/users", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/denied", denied.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_ShowsTheMailboxAndItsErrors_OnlyToSignedInUsers()
    {
        await web.Services.GetRequiredService<BulletinMail.Features.Intake.IngestPoller>().PollAsync(null, CancellationToken.None);
        using var anonymous = web.Client();
        var summary = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        using (var json = System.Text.Json.JsonDocument.Parse(await summary.Content.ReadAsStringAsync()))
        {
            Assert.Equal(["healthy", "lastPollAgeSeconds", "lastSuccessfulPollAgeSeconds", "oldestUnprocessedAgeSeconds", "workersAlive", "mailboxPolling"], json.RootElement.EnumerateObject().Select(p => p.Name));
        }

        using var editor = await web.SignedInAsync();
        using var details = System.Text.Json.JsonDocument.Parse(await editor.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Contains(web.DataDirectory, details.RootElement.GetProperty("mailbox").GetString(), StringComparison.Ordinal);
        Assert.True(details.RootElement.TryGetProperty("lastError", out _));
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
        var (result, user) = await store.SignInAsync("admin", password, "127.0.0.1", CancellationToken.None);
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

    private static async Task AssertSentToLoginAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    private static string ErrorOf(string html) => ErrorPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : "(no error shown)";

    [GeneratedRegex("class=\"error\"[^>]*>([^<]*)<")]
    private static partial Regex ErrorPattern();
}
