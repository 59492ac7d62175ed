using System.Globalization;
using System.Security.Claims;
using BulletinMail.Features.Accounts;
using BulletinMail.Features.Intake;
using BulletinMail.Hosting;
using Hangfire;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;

namespace BulletinMail.Web;

/// <summary>
/// The worker as a web application: the jobs of <c>run</c>, the editors' pages (Razor Pages under
/// <c>Web/Pages</c>, login required except where a page says otherwise), <c>/healthz</c>, and the
/// Hangfire dashboard for admins.
/// </summary>
public static class WebApp
{
    public const string DefaultUrls = "http://127.0.0.1:5080";
    public const string AdminPolicy = "admin";
    public const string SubscribeRateLimit = "subscribe";

    /// <summary>Builds the application: what <c>run</c> starts, and what the tests start on port 0.</summary>
    public static WebApplication Build(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = Directory.GetCurrentDirectory(),
            ApplicationName = typeof(WebApp).Assembly.GetName().Name, // the pages live in this assembly, whoever hosts it
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(configuration["Web:Urls"] is { Length: > 0 } urls ? urls : DefaultUrls);

        var services = builder.Services;
        services.AddStartupSummary().AddBulletinMail(configuration);
        services.AddJobs(configuration);

        services.AddHostedService<FirstAdmin>();
        var proxies = KnownProxies.From(configuration);
        AddWeb(services, proxies);

        var app = builder.Build();

        // Bad configuration stops start-up with one clear line, before the host logs a stack trace.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        Configure(app, proxies);
        return app;
    }

    private static void AddWeb(IServiceCollection services, KnownProxies proxies)
    {
        if (proxies.Any)
        {
            services.Configure<ForwardedHeadersOptions>(options =>
            {
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var network in proxies.Networks)
                {
                    options.KnownIPNetworks.Add(network);
                }
            });

            // Behind the TLS proxy every cookie (sign-in, antiforgery, language) is sent over TLS only.
            services.Configure<CookiePolicyOptions>(options => options.Secure = CookieSecurePolicy.Always);
        }

        // Chinese as characters, not &#x...; escapes: pages a fraction of the size, and readable.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddSingleton<DisplayFormat>();
        services.AddSingleton<OriginalView>();
        AddDataProtection(services);
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.LoginPath = "/login";
            options.LogoutPath = "/logout";
            options.AccessDeniedPath = "/denied";
            options.Cookie.Name = "bulletinmail.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(10);
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = AccountSessions.ValidateAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole(UserStore.Admin));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "bulletinmail.csrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        // The public subscribe form mails whoever is typed in: a few tries a minute per address is plenty.
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per client (the forwarded address behind a known proxy): 10 requests at once, then one
            // every 10 minutes, so at most ~150 a day; each address gets one confirmation a day anyway.
            options.AddPolicy(SubscribeRateLimit, context => System.Threading.RateLimiting.RateLimitPartition.GetTokenBucketLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.TokenBucketRateLimiterOptions
                {
                    TokenLimit = 10, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(10), QueueLimit = 0, AutoReplenishment = true,
                }));
        });
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Web/Pages";
            options.Conventions.AuthorizeFolder("/");
            options.Conventions.AuthorizeFolder("/Admin", AdminPolicy);
            options.Conventions.AllowAnonymousToPage("/Login");
            options.Conventions.AllowAnonymousToPage("/Denied");
            options.Conventions.AllowAnonymousToPage("/Language");
            options.Conventions.AllowAnonymousToPage("/Status");
            options.Conventions.AllowAnonymousToFolder("/Site");
        });
        services.Configure<RequestLocalizationOptions>(options =>
        {
            CultureInfo[] cultures = [new("zh-CN"), new("en")];
            options.DefaultRequestCulture = new RequestCulture("zh-CN");
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.FallBackToParentUICultures = true;
            options.FallBackToParentCultures = true;

            // The editor's choice (the switch on every page), else the browser's language.
            options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
    }

    /// <summary>
    /// Data Protection (sign-in cookies, antiforgery tokens) with its keys in the database: sign-ins
    /// survive a restart, and every worker on the database shares them.
    /// </summary>
    internal static void AddDataProtection(IServiceCollection services)
    {
        // The name keeps the payloads of earlier versions readable: their keys are copied in (DataProtectionKeyTable).
        services.AddDataProtection().SetApplicationName("BulletinMail");
        services.AddSingleton<DataProtectionKeyTable>();
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeyTable>((options, table) => options.XmlRepository = table);
    }

    private static void Configure(WebApplication app, KnownProxies proxies)
    {
        if (proxies.Any)
        {
            // First: everything after sees the client's address and scheme, not the proxy's.
            app.UseForwardedHeaders();
            app.UseCookiePolicy();
        }

        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseRequestLocalization();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapGet("/healthz", async (IntakeHealth health, TimeProvider time, HttpContext context, CancellationToken ct) =>
        {
            var report = await health.ReadAsync(ct);
            var status = report.Healthy ? 200 : 503;
            return context.User.Identity?.IsAuthenticated == true
                ? Results.Json(report, IntakeHealthJson.Readable.IntakeHealthReport, statusCode: status)
                : Results.Json(IntakeHealthSummary.Of(report, time.GetUtcNow()), IntakeHealthJson.Readable.IntakeHealthSummary, statusCode: status);
        }).AllowAnonymous();
        app.MapAssets();
        app.MapBulletinDocuments();
        app.MapRazorPages();
        // Hangfire's own filter would let anyone in; the endpoint's policy decides instead.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], AppPath = "/" }).RequireAuthorization(AdminPolicy);
    }

    /// <summary>Who a change made on the web is attributed to in the audit log.</summary>
    public static string Actor(ClaimsPrincipal user) => user?.Identity?.Name ?? "anonymous";

    /// <summary>On the first start, with no accounts, creates <c>admin</c> and prints its password once.</summary>
    private sealed class FirstAdmin(UserStore users) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (await users.EnsureFirstAdminAsync(cancellationToken) is { } password)
            {
                await Console.Out.WriteLineAsync($"""

                    First start: created the account "admin" with the password {password}
                    It is shown only this once. Sign in at the web UI and add editors there (or with `users add`).

                    """);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
