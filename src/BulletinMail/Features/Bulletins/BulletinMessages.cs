using System.Net;
using BulletinMail.Features.Subscribers;
using BulletinMail.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Features.Bulletins;

/// <summary>
/// One subscriber's copy of an issue: text and HTML with their own unsubscribe link, the
/// list headers (List-Id, List-Unsubscribe, List-Unsubscribe-Post for RFC 8058 one-click), a
/// Message-ID that is the same each time it is sent (a re-send after a crash is recognisably the
/// same message), a VERP return address that tells a bounce whose it was, and optionally DKIM.
/// </summary>
public sealed class BulletinMessages(
    SigningKeys keys, PublicLinks links, IOptions<DigestOptions> options, IOptions<SubscriberOptions> subscriberOptions, IOptions<OutboundOptions> outbound)
{
    private readonly DkimSigning dkim = new(options.Value.Dkim);

    public string ListId => options.Value.ListId ?? $"bulletin.{outbound.Value.Domain}";

    public MailboxAddress EnvelopeFrom(long issueId, long subscriberId) => new(string.Empty, $"{keys.BounceLocalPart(issueId, subscriberId)}@{outbound.Value.Domain}");

    public MimeMessage Create(Issue issue, long subscriberId, string email, string? name)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var unsubscribe = links.Unsubscribe(subscriberId);
        var message = new MimeMessage
        {
            Subject = issue.Subject,
            Date = issue.SendingAt ?? issue.CompiledAt,
            MessageId = $"issue{issue.Number}.{subscriberId}.{issue.Id}@{outbound.Value.Domain}",
        };
        message.From.Add(new MailboxAddress(subscriberOptions.Value.Title, outbound.Value.From));
        message.To.Add(new MailboxAddress(name ?? string.Empty, email));
        message.Headers.Add(HeaderId.ListId, $"{subscriberOptions.Value.Title} <{ListId}>");
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribe}>, <mailto:{options.Value.SubmissionAddress ?? outbound.Value.From}?subject=unsubscribe>");
        message.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        message.Headers.Add(HeaderId.Precedence, "bulk");
        var bodies = Bodies(issue);
        message.Body = new MultipartAlternative
        {
            bodies.Text.Part(unsubscribe),
            bodies.Html.Part(WebUtility.HtmlEncode(unsubscribe)),
        };

        dkim.Sign(message);
        return message;
    }

    // The bodies are the same for everyone but the unsubscribe link: split once per issue, so
    // that each copy only joins three pieces and base64-encodes them (the costly MIME work once).
    private IssueBodies? bodies;

    private sealed record IssueBodies(long IssueId, DateTimeOffset CompiledAt, BodyTemplate Text, BodyTemplate Html);

    private IssueBodies Bodies(Issue issue)
    {
        var cached = bodies;
        if (cached is not null && cached.IssueId == issue.Id && cached.CompiledAt == issue.CompiledAt)
        {
            return cached;
        }

        return bodies = new IssueBodies(issue.Id, issue.CompiledAt, new BodyTemplate("plain", issue.TextBody), new BodyTemplate("html", issue.HtmlBody));
    }

    /// <summary>
    /// A body in base64, ready but for the unsubscribe link. Base64 lines hold 57 bytes each, so
    /// everything before the line the link falls in is encoded once per issue; each copy encodes
    /// only its last lines (the link and the footer) and streams the two parts one after the other.
    /// </summary>
    private sealed class BodyTemplate
    {
        private const int BytesPerLine = 57; // 76 base64 characters
        private readonly string subtype;
        private readonly byte[] encodedHead;
        private readonly byte[] rest;
        private readonly byte[] after;

        public BodyTemplate(string subtype, string body)
        {
            this.subtype = subtype;
            var at = body.IndexOf(Bulletin.UnsubscribePlaceholder, StringComparison.Ordinal);
            var before = System.Text.Encoding.UTF8.GetBytes(at < 0 ? body : body[..at]);
            var whole = before.Length / BytesPerLine * BytesPerLine;
            encodedHead = Base64Lines(before.AsSpan(0, whole));
            rest = before[whole..];
            after = at < 0 ? [] : System.Text.Encoding.UTF8.GetBytes(body[(at + Bulletin.UnsubscribePlaceholder.Length)..].Replace(Bulletin.UnsubscribePlaceholder, string.Empty, StringComparison.Ordinal));
        }

        public EncodedTextPart Part(string link)
        {
            var linkBytes = System.Text.Encoding.UTF8.GetBytes(link);
            var tail = new byte[rest.Length + linkBytes.Length + after.Length];
            rest.CopyTo(tail, 0);
            linkBytes.CopyTo(tail, rest.Length);
            after.CopyTo(tail, rest.Length + linkBytes.Length);
            return new EncodedTextPart(subtype, new JoinedStream(encodedHead, Base64Lines(tail)));
        }

        private static byte[] Base64Lines(ReadOnlySpan<byte> data)
        {
            var lastLine = data.Length % BytesPerLine;
            var output = new byte[(data.Length / BytesPerLine * 78) + (lastLine > 0 ? ((lastLine + 2) / 3 * 4) + 2 : 0)];
            var written = 0;
            for (var i = 0; i < data.Length; i += BytesPerLine)
            {
                System.Buffers.Text.Base64.EncodeToUtf8(data.Slice(i, Math.Min(BytesPerLine, data.Length - i)), output.AsSpan(written), out _, out var length);
                written += length;
                output[written++] = (byte)'\r';
                output[written++] = (byte)'\n';
            }

            return output;
        }
    }

    /// <summary>
    /// A UTF-8 text part whose content is already base64 with CRLF line ends. Written for SMTP (or
    /// a DKIM signature), where lines end in CRLF, its bytes go out as they are: MimeKit would pass
    /// every one of them through a line-ending filter (measured: 7% of the sender's CPU).
    /// </summary>
    private sealed class EncodedTextPart : TextPart
    {
        public EncodedTextPart(string subtype, Stream base64)
            : base(subtype)
        {
            ContentTransferEncoding = ContentEncoding.Base64;
            Content = new MimeContent(base64, ContentEncoding.Base64);
            ContentType.Charset = "utf-8";
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            if (options.NewLineFormat != NewLineFormat.Dos)
            {
                base.WriteTo(options, stream, contentOnly, cancellationToken);
                return;
            }

            if (!contentOnly)
            {
                Headers.WriteTo(options, stream, cancellationToken);
            }

            Content!.WriteTo(stream, cancellationToken);
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            if (options.NewLineFormat != NewLineFormat.Dos)
            {
                await base.WriteToAsync(options, stream, contentOnly, cancellationToken);
                return;
            }

            if (!contentOnly)
            {
                await Headers.WriteToAsync(options, stream, cancellationToken);
            }

            await Content!.WriteToAsync(stream, cancellationToken);
        }
    }

    /// <summary>Two byte arrays read as one stream, without copying them together.</summary>
    private sealed class JoinedStream(byte[] first, byte[] second) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => first.Length + second.Length;

        public override long Position
        {
            get => position;
            set => position = Math.Clamp(value, 0, Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (buffer.Length > 0 && position < Length)
            {
                var (source, start) = position < first.Length ? (first, (int)position) : (second, (int)(position - first.Length));
                var length = Math.Min(buffer.Length, source.Length - start);
                source.AsSpan(start, length).CopyTo(buffer);
                buffer = buffer[length..];
                position += length;
                total += length;
            }

            return total;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
