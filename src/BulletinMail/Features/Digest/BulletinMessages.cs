using System.Net;
using BulletinMail.Features.Bulletins;
using MimeKit;
using MimeKit.Cryptography;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Digest;

/// <summary>
/// One subscriber's copy of an issue: text and HTML with their own unsubscribe link, the
/// list headers (List-Id, List-Unsubscribe, List-Unsubscribe-Post for RFC 8058 one-click), a
/// Message-ID that is the same each time it is sent (a re-send after a crash is recognisably the
/// same message), a VERP return address that tells a bounce whose it was, and optionally DKIM.
/// </summary>
public sealed class BulletinMessages(SigningKeys keys, IOptions<DigestOptions> options, IOptions<OutboundOptions> outbound, IConfiguration configuration, IServiceProvider services)
{
    private static readonly HeaderId[] SignedHeaders =
    [
        HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId,
        HeaderId.ListId, HeaderId.ListUnsubscribe, HeaderId.ListUnsubscribePost, HeaderId.MimeVersion, HeaderId.ContentType,
    ];

    private readonly Lazy<DkimSigner?> signer = new(() => CreateSigner(options.Value.Dkim));

    public string Domain => outbound.Value.From.Split('@').Last();

    /// <summary>The public site: <c>Digest:PublicUrl</c>, else where <c>run</c> listens (the bound address, when it runs).</summary>
    public string PublicUrl => (options.Value.PublicUrl
        ?? services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? (configuration["Web:Urls"] is { Length: > 0 } urls ? urls.Split(';')[0] : Web.WebApp.DefaultUrls)).TrimEnd('/');

    public string UnsubscribeUrl(long subscriberId) => $"{PublicUrl}/unsubscribe/{keys.Unsubscribe(subscriberId)}";

    public string ListId => options.Value.ListId ?? $"bulletin.{Domain}";

    public MailboxAddress EnvelopeFrom(long issueId, long subscriberId) => new(string.Empty, $"{keys.BounceLocalPart(issueId, subscriberId)}@{Domain}");

    public MimeMessage Create(Issue issue, long subscriberId, string email, string? name)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var unsubscribe = UnsubscribeUrl(subscriberId);
        var message = new MimeMessage
        {
            Subject = issue.Subject,
            Date = issue.SendingAt ?? issue.CompiledAt,
            MessageId = $"issue{issue.Number}.{subscriberId}.{issue.Id}@{Domain}",
        };
        message.From.Add(new MailboxAddress(options.Value.Title, outbound.Value.From));
        message.To.Add(new MailboxAddress(name ?? string.Empty, email));
        message.Headers.Add(HeaderId.ListId, $"{options.Value.Title} <{ListId}>");
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribe}>, <mailto:{options.Value.SubmissionAddress ?? outbound.Value.From}?subject=unsubscribe>");
        message.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        message.Headers.Add(HeaderId.Precedence, "bulk");
        message.Body = new MultipartAlternative
        {
            new TextPart("plain") { Text = issue.TextBody.Replace(Bulletin.UnsubscribePlaceholder, unsubscribe, StringComparison.Ordinal) },
            new TextPart("html") { Text = issue.HtmlBody.Replace(Bulletin.UnsubscribePlaceholder, WebUtility.HtmlEncode(unsubscribe), StringComparison.Ordinal) },
        };

        if (signer.Value is { } dkim)
        {
            message.Prepare(EncodingConstraint.SevenBit); // sign what will travel
            dkim.Sign(message, SignedHeaders);
        }

        return message;
    }

    private static DkimSigner? CreateSigner(DigestOptions.DkimSettings dkim)
    {
        if (!dkim.Enabled)
        {
            return null;
        }

        using var key = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(dkim.PrivateKey!));
        return new DkimSigner(key, dkim.Domain!, dkim.Selector!)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
    }
}
