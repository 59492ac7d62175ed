namespace BulletinMail.Web;

/// <summary>
/// Headers on every response: a Content-Security-Policy that allows no inline script and no
/// framing, no MIME sniffing, no referrer leaving the site. A page may allow remote images for
/// one response (an editor asked to see a message's images) with <see cref="AllowRemoteImages"/>.
/// </summary>
internal static class SecurityHeaders
{
    private const string RemoteImagesKey = "bulletinmail.remote-images";

    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string PolicyWithRemoteImages =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // The Hangfire dashboard (admins only) ships inline script and style of its own.
    private const string DashboardPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // A bulletin shown as it is mailed (archive, preview): its own inline styles, no script, no forms; framable by our pages only.
    private const string MailDocumentPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private const string MailDocumentKey = "bulletinmail.mail-document";

    public static void AllowRemoteImages(HttpContext context) => context.Items[RemoteImagesKey] = true;

    /// <summary>This response is a bulletin's HTML, shown as mailed: see <see cref="MailDocumentPolicy"/>.</summary>
    public static void MarkMailDocument(HttpContext context) => context.Items[MailDocumentKey] = true;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            var mailDocument = context.Items.ContainsKey(MailDocumentKey);
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/hangfire") ? DashboardPolicy
                : mailDocument ? MailDocumentPolicy
                : context.Items.ContainsKey(RemoteImagesKey) ? PolicyWithRemoteImages
                : Policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = mailDocument ? "SAMEORIGIN" : "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
