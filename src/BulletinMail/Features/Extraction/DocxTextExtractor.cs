using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace BulletinMail.Features.Extraction;

/// <summary>
/// The text of a Word .docx: body paragraphs and table rows in document order, a row's cells
/// joined with a tab. The package is inflated once into a counting sink before the Open XML SDK
/// reads it, so a zip bomb is refused at the configured limit however its sizes are declared.
/// </summary>
public static class DocxTextExtractor
{
    private static ReadOnlySpan<byte> OleSignature => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <exception cref="ExtractionException">Not a .docx, damaged, or larger than the limit when decompressed.</exception>
    public static string Extract(byte[] package, long maxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.AsSpan().StartsWith(OleSignature))
        {
            throw new ExtractionException("a legacy Word .doc file, which is not read; save it as .docx, PDF or plain text");
        }

        CheckDecompressedSize(package, maxDecompressedBytes);
        try
        {
            using var stream = new MemoryStream(package, writable: false);
            using var document = WordprocessingDocument.Open(stream, isEditable: false);
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new ExtractionException("the Word document has no body");
            var output = new StringBuilder();
            foreach (var element in body.ChildElements)
            {
                AppendBlock(element, output);
            }

            return output.ToString().Trim();
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or FileFormatException)
        {
            throw new ExtractionException($"the Word document is damaged: {ex.Message}", ex);
        }
    }

    private static void CheckDecompressedSize(byte[] package, long limit)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(package, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > 10_000)
            {
                throw new ExtractionException($"the Word document has {zip.Entries.Count} parts; a report has a few dozen");
            }

            var total = 0L;
            var buffer = new byte[81920];
            foreach (var entry in zip.Entries)
            {
                using var part = entry.Open();
                int read;
                while ((read = part.Read(buffer)) > 0)
                {
                    total += read;
                    if (total > limit)
                    {
                        throw new ExtractionException(
                            $"the Word document decompresses to more than {limit / (1024 * 1024)} MB (limit Extraction:MaxDecompressedBytes); it may be a zip bomb");
                    }
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ExtractionException($"not a Word .docx document: {ex.Message}", ex);
        }
    }

    private static void AppendBlock(OpenXmlElement element, StringBuilder output)
    {
        switch (element)
        {
            case Paragraph paragraph:
                AppendParagraph(paragraph, output);
                output.Append('\n');
                break;
            case Table table:
                foreach (var row in table.Elements<TableRow>())
                {
                    var first = true;
                    foreach (var cell in row.Elements<TableCell>())
                    {
                        if (!first)
                        {
                            output.Append('\t');
                        }

                        first = false;
                        var cellParagraphs = cell.Elements<Paragraph>().ToList();
                        for (var i = 0; i < cellParagraphs.Count; i++)
                        {
                            if (i > 0)
                            {
                                output.Append(' ');
                            }

                            AppendParagraph(cellParagraphs[i], output);
                        }
                    }

                    output.Append('\n');
                }

                output.Append('\n');
                break;
            case SdtBlock content:
                foreach (var child in content.SdtContentBlock?.ChildElements ?? Enumerable.Empty<OpenXmlElement>())
                {
                    AppendBlock(child, output);
                }

                break;
        }
    }

    private static void AppendParagraph(Paragraph paragraph, StringBuilder output)
    {
        foreach (var node in paragraph.Descendants())
        {
            switch (node)
            {
                case Text text:
                    output.Append(text.Text);
                    break;
                case TabChar:
                    output.Append('\t');
                    break;
                case Break or CarriageReturn:
                    output.Append('\n');
                    break;
            }
        }
    }
}
