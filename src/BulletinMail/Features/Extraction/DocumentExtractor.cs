
namespace BulletinMail.Features.Extraction;

/// <summary>The formats reports arrive in.</summary>
public enum DocumentKind
{
    Unsupported,
    Text,
    Html,
    Docx,
    LegacyDoc,
    Pdf,
    Message,
}

/// <summary>Reads a report file of any supported format (.txt, .html, .docx, .eml) into text, within the configured limits.</summary>
public sealed class DocumentExtractor(ExtractionOptions limits)
{
    public static DocumentKind KindOf(string fileName, string? mimeType = null)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return extension switch
        {
            ".txt" or ".text" or ".md" or ".csv" => DocumentKind.Text,
            ".html" or ".htm" or ".xhtml" => DocumentKind.Html,
            ".docx" => DocumentKind.Docx,
            ".doc" => DocumentKind.LegacyDoc,
            ".eml" or ".msg822" => DocumentKind.Message,
            ".pdf" => DocumentKind.Pdf,
            _ when mimeType is null => DocumentKind.Unsupported,
            _ when MessageTextExtractor.IsDocxType(mimeType) => DocumentKind.Docx,
            _ when mimeType.Equals("application/msword", StringComparison.OrdinalIgnoreCase) => DocumentKind.LegacyDoc,
            _ when mimeType.Equals("text/html", StringComparison.OrdinalIgnoreCase) => DocumentKind.Html,
            _ when mimeType.Equals("text/plain", StringComparison.OrdinalIgnoreCase) => DocumentKind.Text,
            _ when mimeType.Equals("message/rfc822", StringComparison.OrdinalIgnoreCase) => DocumentKind.Message,
            _ when mimeType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase) => DocumentKind.Pdf,
            _ => DocumentKind.Unsupported,
        };
    }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="ExtractionException">Missing, unreadable, too large, of an unsupported type, empty, or not what its name says.</exception>
    public async Task<ExtractedDocument> ExtractFileAsync(string path, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var kind = KindOf(path);
        if (kind == DocumentKind.Unsupported)
        {
            throw new ExtractionException($"{name}: unsupported file type '{Path.GetExtension(path)}'; expected .txt, .eml, .html, .docx or .pdf");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ExtractionException(Directory.Exists(path) ? $"{path} is a directory, not a file" : $"{path}: no such file");
        }

        if (info.Length > limits.MaxInputBytes)
        {
            throw new ExtractionException(
                $"{name} is {Megabytes(info.Length)}, over the {Megabytes(limits.MaxInputBytes)} limit (Extraction:MaxInputBytes)");
        }

        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExtractionException($"{name} cannot be read: {ex.Message}", ex);
        }

        return Extract(content, name, kind);
    }

    /// <exception cref="ExtractionException">The content is empty, too large or not of the given kind.</exception>
    public ExtractedDocument Extract(byte[] content, string name, DocumentKind kind)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length == 0)
        {
            throw new ExtractionException($"{name} is empty");
        }

        if (content.LongLength > limits.MaxInputBytes)
        {
            throw new ExtractionException($"{name} is {Megabytes(content.LongLength)}, over the {Megabytes(limits.MaxInputBytes)} limit (Extraction:MaxInputBytes)");
        }

        try
        {
            var document = kind switch
            {
                DocumentKind.Text => new ExtractedDocument(CheckText(TextDecoder.Decode(content).Text, name)),
                DocumentKind.Html => new ExtractedDocument(HtmlTextExtractor.Extract(TextDecoder.Decode(content).Text)),
                DocumentKind.Docx => new ExtractedDocument(DocxTextExtractor.Extract(content, limits.MaxDecompressedBytes)),
                DocumentKind.Pdf => new ExtractedDocument(PdfTextExtractor.Extract(content)),
                DocumentKind.Message => new MessageTextExtractor(limits).Extract(new MemoryStream(content, writable: false)),
                DocumentKind.LegacyDoc => throw new ExtractionException("a legacy Word .doc file, which is not read; save it as .docx, PDF or plain text"),
                _ => throw new ExtractionException($"{name}: unsupported file type"),
            };
            // A message's extractor cleans each part it reads, around the section breaks it puts between them.
            return Truncate(kind == DocumentKind.Message ? document : document with { Text = PlainText.Clean(document.Text) });
        }
        catch (ExtractionException ex) when (!ex.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new ExtractionException($"{name}: {ex.Message}", ex);
        }
    }

    private ExtractedDocument Truncate(ExtractedDocument document)
    {
        if (document.Text.Length <= limits.MaxTextChars)
        {
            return document;
        }

        var warnings = (document.Warnings ?? []).Append($"text-truncated: more than {limits.MaxTextChars} characters of text; the rest was not read");
        return document with { Text = document.Text[..limits.MaxTextChars], Warnings = [.. warnings] };
    }

    // Binary data decodes "successfully" in GB18030; control characters give it away.
    private static string CheckText(string text, string name)
    {
        var control = 0;
        foreach (var c in text)
        {
            if (c == '\0')
            {
                throw new ExtractionException($"{name} does not look like text: it holds binary data");
            }

            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f'))
            {
                control++;
            }
        }

        return control * 100 > text.Length
            ? throw new ExtractionException($"{name} does not look like text: it holds binary data")
            : text;
    }

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):0.#} MB";

}
