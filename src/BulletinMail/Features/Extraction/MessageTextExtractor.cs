using System.Text;
using BulletinMail.Features.Parsing;
using MimeKit;
using MimeKit.Tnef;

namespace BulletinMail.Features.Extraction;

/// <summary>
/// The report text of a mail: its body (text/plain preferred over text/html), then every text,
/// HTML and .docx attachment, then forwarded messages (message/rfc822) the same way, to the
/// configured depth. Charsets are decoded by <see cref="TextDecoder"/>, not trusted blindly.
/// </summary>
public sealed class MessageTextExtractor(ExtractionOptions limits)
{
    private const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <exception cref="ExtractionException">The bytes are not a mail message.</exception>
    public ExtractedDocument Extract(Stream stream)
    {
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream);
        }
        catch (FormatException ex)
        {
            throw new ExtractionException($"not a mail message: {ex.Message}", ex);
        }

        using (message)
        {
            return Extract(message);
        }
    }

    public ExtractedDocument Extract(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var state = new State();
        AppendMessage(message, state, depth: 0);
        var subject = state.InnerSubject is { } inner && IsForwardOnly(message.Subject) ? inner : message.Subject;
        return new ExtractedDocument(
            state.Text.ToString().Trim(),
            subject is null ? null : PlainText.Clean(subject),
            message.From.Mailboxes.FirstOrDefault()?.Address,
            message.Date == DateTimeOffset.MinValue ? null : message.Date,
            state.Attachments,
            state.Warnings);
    }

    private sealed class State
    {
        public StringBuilder Text { get; } = new();

        public List<ExtractedAttachment> Attachments { get; } = [];

        public List<string> Warnings { get; } = [];

        public string? InnerSubject { get; set; }
    }

    private static bool IsForwardOnly(string? subject) =>
        string.IsNullOrWhiteSpace(subject) || subject.TrimStart().StartsWith("fw", StringComparison.OrdinalIgnoreCase) || subject.TrimStart().StartsWith("转发", StringComparison.Ordinal);

    private void AppendMessage(MimeMessage message, State state, int depth)
    {
        if (depth > limits.MaxMimeDepth)
        {
            state.Warnings.Add($"mime-depth: parts nested deeper than {limits.MaxMimeDepth} levels were not read");
            return;
        }

        // The plain body unless it is blank, else the HTML one; each decoded once.
        var body = FindBody(message, "plain");
        var text = body is null ? null : ReadText(body);
        if (string.IsNullOrWhiteSpace(text))
        {
            body = FindBody(message, "html");
            text = body is null ? null : ReadText(body);
        }

        if (body is not null)
        {
            AppendSection(state, text!);
        }

        foreach (var part in message.BodyParts)
        {
            if (ReferenceEquals(part, body) || IsAlternativeBody(part, message))
            {
                continue;
            }

            AppendPart(part, state, depth);
        }
    }

    // The text/plain or text/html part that is the body, rather than an attachment.
    private static TextPart? FindBody(MimeMessage message, string subtype) =>
        message.BodyParts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment && p.ContentType.IsMimeType("text", subtype));

    private static bool IsAlternativeBody(MimeEntity part, MimeMessage message) =>
        part is TextPart { IsAttachment: false } text && (text.IsPlain || text.IsHtml)
        && message.BodyParts.OfType<TextPart>().Any(p => !p.IsAttachment && !ReferenceEquals(p, text));

    private void AppendPart(MimeEntity part, State state, int depth)
    {
        switch (part)
        {
            case MessagePart { Message: { } forwarded }:
                state.InnerSubject ??= forwarded.Subject;
                AppendMessage(forwarded, state, depth + 1);
                break;
            case TnefPart tnef:
                // Outlook's winmail.dat: its attachments are the report.
                foreach (var inner in tnef.ExtractAttachments())
                {
                    AppendPart(inner, state, depth + 1);
                }

                break;
            case MimePart mime:
                AppendAttachment(mime, state);
                break;
        }
    }

    private void AppendAttachment(MimePart part, State state)
    {
        var name = SafeName(part.FileName) ?? "(unnamed)";
        var type = part.ContentType.MimeType;
        var content = ReadContent(part, limits.MaxAttachmentBytes, out var size);
        if (content is null)
        {
            state.Attachments.Add(new ExtractedAttachment(name, type, size, "failed",
                $"larger than {limits.MaxAttachmentBytes / (1024 * 1024)} MB (limit Extraction:MaxAttachmentBytes)"));
            return;
        }

        try
        {
            var kind = DocumentExtractor.KindOf(name, type);
            string? text = kind switch
            {
                DocumentKind.Text => TextDecoder.Decode(content, part.ContentType.Charset).Text,
                DocumentKind.Html => HtmlTextExtractor.Extract(TextDecoder.Decode(content, part.ContentType.Charset).Text),
                DocumentKind.Docx => DocxTextExtractor.Extract(content, limits.MaxDecompressedBytes),
                DocumentKind.Pdf => PdfTextExtractor.Extract(content),
                DocumentKind.LegacyDoc => throw new ExtractionException("a legacy Word .doc file, which is not read; save it as .docx, PDF or plain text"),
                _ => null,
            };
            if (text is null)
            {
                state.Attachments.Add(new ExtractedAttachment(name, type, size, "skipped", "not a report format"));
                return;
            }

            AppendSection(state, text);
            state.Attachments.Add(new ExtractedAttachment(name, type, size, "read"));
        }
        catch (ExtractionException ex)
        {
            state.Attachments.Add(new ExtractedAttachment(name, type, size, "failed", ex.Message));
            state.Warnings.Add($"attachment-failed: {name}: {ex.Message}");
        }
    }

    private static string ReadText(TextPart part)
    {
        var content = ReadContent(part, long.MaxValue, out _) ?? [];
        var text = TextDecoder.Decode(content, part.ContentType.Charset).Text;
        return part.IsHtml ? HtmlTextExtractor.Extract(text) : text;
    }

    private static byte[]? ReadContent(MimePart part, long limit, out long size)
    {
        size = 0;
        if (part.Content is null)
        {
            return [];
        }

        using var output = new MemoryStream();
        using var decoded = part.Content.Open();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = decoded.Read(buffer)) > 0)
            {
                size += read;
                if (size > limit)
                {
                    return null;
                }

                output.Write(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return output.ToArray();
    }

    private void AppendSection(State state, string text)
    {
        text = PlainText.Clean(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        if (state.Text.Length + text.Length > limits.MaxTextChars)
        {
            state.Warnings.Add($"text-truncated: more than {limits.MaxTextChars} characters of text; the rest was not read");
            text = text[..Math.Max(0, limits.MaxTextChars - state.Text.Length)];
        }

        if (state.Text.Length > 0)
        {
            state.Text.Append('\n').Append(LineClassifier.SectionBreak).Append('\n');
        }

        state.Text.Append(text.Trim());
    }

    /// <summary>A file name safe to show and store: no directories, no control characters.</summary>
    public static string? SafeName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }

        var name = fileName.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var clean = new string(name.Where(c => !char.IsControl(c) && c is not ('\u202E' or '\u202D' or '\u200E' or '\u200F')).ToArray()).Trim().TrimStart('.');
        return clean.Length == 0 ? null : clean.Length > 200 ? clean[..200] : clean;
    }

    internal static bool IsDocxType(string mimeType) => mimeType.Equals(DocxType, StringComparison.OrdinalIgnoreCase);
}
