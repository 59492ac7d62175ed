using System.Net;
using System.Text.RegularExpressions;
using BulletinMail.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Web;

/// <summary>Web:KnownProxies (issue 15, item 7): the forwarded client address and scheme, believed only from the configured proxies.</summary>
public sealed partial class ForwardedHeadersTests
{
    private const string Client = "203.0.113.9";

    [Fact]
    public async Task BehindAKnownProxy_CookiesAreSecure_AndTheClientsAddressCounts()
    {
        await using var web = await WebHarness.StartAsync(new Dictionary<string, string?> { ["Web:KnownProxies"] = "192.0.2.0/24, 127.0.0.1" });
        var cookies = await SignInThroughProxyAsync(web, "wrong-password");
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal([$"ip:{Client}"], await AddressesThatFailedAsync(web));

        var signedIn = await SignInThroughProxyAsync(web, WebHarness.Password);
        Assert.Contains(signedIn, c => c.StartsWith("bulletinmail.auth=", StringComparison.Ordinal) && c.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("192.0.2.1")] // a proxy, but not the one this request came through
    public async Task FromAnyoneElse_ForwardedHeadersAreIgnored(string? knownProxies)
    {
        await using var web = await WebHarness.StartAsync(new Dictionary<string, string?> { ["Web:KnownProxies"] = knownProxies });
        await SignInThroughProxyAsync(web, "wrong-password");
        Assert.Equal(["ip:127.0.0.1"], await AddressesThatFailedAsync(web));
    }

    // A sign-in as the proxy passes it on (client address, https), cookies carried by hand: a
    // cookie container keeps Secure cookies from plain http. Returns every cookie set on the way.
    private static async Task<List<string>> SignInThroughProxyAsync(WebHarness web, string password)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = web.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", Client);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var form = await client.GetAsync(new Uri("/login", UriKind.Relative));
        var set = form.Headers.GetValues("Set-Cookie").ToList();
        var token = TokenPattern().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri("/login", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = WebHarness.EditorName, ["password"] = password, ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("Cookie", string.Join("; ", set.Select(c => c.Split(';')[0])));
        var answer = await client.SendAsync(post);
        Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"sign-in answered {answer.StatusCode}");
        return [.. set, .. answer.Headers.TryGetValues("Set-Cookie", out var more) ? more : []];
    }

    private static async Task<List<string>> AddressesThatFailedAsync(WebHarness web)
    {
        await using var connection = await web.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return [.. await connection.QueryAsync<string>("SELECT key FROM sign_in_failures WHERE key LIKE 'ip:%'")];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
