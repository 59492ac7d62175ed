using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace BulletinMail.Features.Extraction;

/// <summary>The text layer of a PDF, page by page in reading order (PdfPig). A scan has no text layer and is refused with that reason.</summary>
public static class PdfTextExtractor
{
    /// <exception cref="ExtractionException">Not a PDF, damaged, encrypted, or a scan without text.</exception>
    public static string Extract(byte[] pdf, int maxPages = 500)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        try
        {
            using var document = PdfDocument.Open(pdf);
            if (document.NumberOfPages > maxPages)
            {
                throw new ExtractionException($"the PDF has {document.NumberOfPages} pages; at most {maxPages} are read");
            }

            var output = new StringBuilder();
            foreach (var page in document.GetPages())
            {
                output.Append(ContentOrderTextExtractor.GetText(page)).Append('\n');
            }

            var text = output.ToString().Trim();
            return text.Length > 0
                ? text
                : throw new ExtractionException($"a scanned PDF without a text layer ({document.NumberOfPages} pages); an editor must type it in or ask for the text");
        }
        catch (Exception ex) when (ex is not ExtractionException and not OutOfMemoryException)
        {
            // PdfPig throws a variety of exceptions for damaged or encrypted files; all mean "cannot be read".
            throw new ExtractionException($"the PDF cannot be read: {ex.Message}", ex);
        }
    }
}
