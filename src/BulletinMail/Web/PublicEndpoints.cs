using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Subscribers;

namespace BulletinMail.Web;

/// <summary>The bulletin's public and editor-only documents: the archive (a sent issue as mailed), its Atom feed, and the preview of a draft.</summary>
internal static partial class PublicEndpoints
{
    public static IEndpointRouteBuilder MapBulletinDocuments(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/archive/{number:int}", async (int number, IssueStore issues, DigestWorkflow workflow, BulletinCompiler compiler, HttpContext context, CancellationToken ct) =>
        {
            var issue = await issues.GetByNumberAsync(number, ct);
            if (issue is not { State: IssueState.Sent })
            {
                return Results.NotFound();
            }

            SecurityHeaders.MarkMailDocument(context);
            var corrected = issue.CorrectedAt is { } at ? CorrectedOn(compiler, at) : null;
            return Results.Content(WithArchiveLinks(workflow.Preview(issue, html: true), corrected), "text/html; charset=utf-8");
        }).AllowAnonymous();

        endpoints.MapGet("/archive/feed.atom", async (IssueStore issues, PublicLinks links, Microsoft.Extensions.Options.IOptions<SubscriberOptions> options, CancellationToken ct) =>
        {
            var sent = await issues.ListSentAsync(50, ct);
            return Results.Content(Atom(sent, links.Root, options.Value.Title), "application/atom+xml; charset=utf-8");
        }).AllowAnonymous();

        endpoints.MapGet("/digest/preview", async (string period, string? format, IssueStore issues, DigestWorkflow workflow, HttpContext context, CancellationToken ct) =>
        {
            var issue = await issues.GetAsync(period, ct);
            if (issue is null)
            {
                return Results.NotFound();
            }

            SecurityHeaders.MarkMailDocument(context);
            return format == "text"
                ? Results.Content(workflow.Preview(issue, html: false), "text/plain; charset=utf-8")
                : Results.Content(workflow.Preview(issue, html: true), "text/html; charset=utf-8");
        }).RequireAuthorization();
        return endpoints;
    }

    // An issue read on the web, not in a mail client: a way back to the archive and a way to subscribe, above the mail,
    // and, when the issue was corrected after it was mailed, when (the reader's copy in the mail differs).
    private static string WithArchiveLinks(string html, string? corrected)
    {
        var links = $"<p style=\"margin:8px;font-family:sans-serif;font-size:14px\"><a href=\"/archive\">← {Texts.T("Past issues")}</a> · <a href=\"/subscribe\">{Texts.T("Subscribe")}</a></p>";
        if (corrected is not null)
        {
            links += $"<p id=\"corrected\" style=\"margin:8px;font-family:sans-serif;font-size:14px;color:#555\">{WebUtility.HtmlEncode(corrected)}</p>";
        }

        var body = BodyTag().Match(html);
        return body.Success ? html.Insert(body.Index + body.Length, links) : links + html;
    }

    // "本期于 2016年7月10日 更正": the day in the schedule's time zone, written as the bulletin writes its own date.
    private static string CorrectedOn(BulletinCompiler compiler, DateTimeOffset at) =>
        Texts.T("This issue was corrected on {0}").Replace("{0}", Texts.IsChinese ? compiler.DateLine(at) : compiler.LocalDate(at).ToString("d MMMM yyyy", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    [System.Text.RegularExpressions.GeneratedRegex("<body[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex BodyTag();

    // Every string is made fit for XML: a sent issue stays in the feed, and one bad character must not break it for good.
    // An entry is updated when it was sent, or last corrected; the feed, when its latest entry was.
    private static string Atom(IReadOnlyList<Issue> issues, string site, string title)
    {
        var output = new StringBuilder();
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            const string ns = "http://www.w3.org/2005/Atom";
            xml.WriteStartElement("feed", ns);
            xml.WriteElementString("title", ns, PlainText.ForXml(title));
            xml.WriteElementString("id", ns, $"{site}/archive");
            xml.WriteElementString("updated", ns, Stamp(issues.Count > 0 ? issues.Max(Updated) : DateTimeOffset.UnixEpoch));
            Link(xml, ns, $"{site}/archive/feed.atom", "self");
            Link(xml, ns, $"{site}/archive", "alternate");
            foreach (var issue in issues)
            {
                xml.WriteStartElement("entry", ns);
                xml.WriteElementString("title", ns, PlainText.ForXml(issue.Subject));
                xml.WriteElementString("id", ns, $"{site}/archive/{issue.Number}");
                xml.WriteElementString("updated", ns, Stamp(Updated(issue)));
                Link(xml, ns, $"{site}/archive/{issue.Number}", "alternate");
                xml.WriteStartElement("author", ns);
                xml.WriteElementString("name", ns, PlainText.ForXml(title));
                xml.WriteEndElement();
                xml.WriteStartElement("summary", ns);
                xml.WriteAttributeString("type", "text");
                xml.WriteString(Summary(issue));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // XmlWriter into a StringBuilder declares UTF-16; the response is UTF-8.
        return output.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static void Link(XmlWriter xml, string ns, string href, string rel)
    {
        xml.WriteStartElement("link", ns);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static DateTimeOffset Updated(Issue issue) => issue.CorrectedAt ?? issue.SentAt ?? issue.CompiledAt;

    private static string Stamp(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // The first lines of the text edition, without the unsubscribe link.
    private static string Summary(Issue issue)
    {
        var text = issue.TextBody.Replace(Bulletin.UnsubscribePlaceholder, string.Empty, StringComparison.Ordinal);
        return PlainText.ForXml(WebUtility.HtmlDecode(text.Length > 500 ? text[..500] + "…" : text));
    }
}
