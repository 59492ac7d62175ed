using BulletinMail.Features.Extraction;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace BulletinMail.Tests.Features.Extraction;

public sealed class PdfTextExtractorTests
{
    private static byte[] Pdf(params string[] lines)
    {
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(595, 842);
        for (var i = 0; i < lines.Length; i++)
        {
            page.AddText(lines[i], 11, new PdfPoint(50, 780 - (i * 20)), font);
        }

        return builder.Build();
    }

    [Fact]
    public void Extract_ReadsTextLayer_InReadingOrder()
    {
        var text = PdfTextExtractor.Extract(Pdf("On 3 June, we held a workshop in Tangshan.", "June 15-17: Annual conference, Beijing."));

        Assert.Contains("On 3 June, we held a workshop in Tangshan.", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("Tangshan", StringComparison.Ordinal) < text.IndexOf("Annual", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_RefusesScan_WithThatReason()
    {
        var error = Assert.Throws<ExtractionException>(() => PdfTextExtractor.Extract(Pdf()));

        Assert.Contains("scanned PDF without a text layer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_RefusesDamagedPdf()
    {
        var error = Assert.Throws<ExtractionException>(() => PdfTextExtractor.Extract("%PDF-1.4 truncated garbage"u8.ToArray()));

        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }
}
