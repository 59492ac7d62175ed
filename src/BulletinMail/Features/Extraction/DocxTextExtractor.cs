using System.IO.Compression;
using System.Text;
using System.Xml;

namespace BulletinMail.Features.Extraction;

/// <summary>
/// The text of a Word .docx: body paragraphs and table rows in document order, a row's cells
/// joined with a tab. Only <c>word/document.xml</c> is read, streamed through an XML reader; it is
/// inflated through a counting stream that stops at the configured limit, and a package whose
/// parts declare more than the limit in all is refused unread (a zip bomb).
/// </summary>
public static class DocxTextExtractor
{
    private const string WordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string MainPart = "word/document.xml";

    private static ReadOnlySpan<byte> OleSignature => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, // no entities: no billion laughs
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <exception cref="ExtractionException">Not a .docx, damaged, or larger than the limit when decompressed.</exception>
    public static string Extract(byte[] package, long maxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.AsSpan().StartsWith(OleSignature))
        {
            throw new ExtractionException("a legacy Word .doc file, which is not read; save it as .docx, PDF or plain text");
        }

        try
        {
            using var zip = new ZipArchive(new MemoryStream(package, writable: false), ZipArchiveMode.Read);
            CheckDeclaredSize(zip, maxDecompressedBytes);
            var main = zip.GetEntry(MainPart) ?? throw new ExtractionException("not a Word .docx document: it has no word/document.xml");
            using var reader = XmlReader.Create(new LimitedStream(main.Open(), maxDecompressedBytes), ReaderSettings);
            var output = new StringBuilder();
            if (!reader.ReadToFollowing("body", WordNamespace))
            {
                throw new ExtractionException("the Word document has no body");
            }

            ReadBlocks(reader, output);
            return output.ToString().Trim();
        }
        catch (InvalidDataException ex)
        {
            throw new ExtractionException($"not a Word .docx document: {ex.Message}", ex);
        }
        catch (XmlException ex)
        {
            throw new ExtractionException($"the Word document is damaged: {ex.Message}", ex);
        }
    }

    private static void CheckDeclaredSize(ZipArchive zip, long limit)
    {
        if (zip.Entries.Count > 10_000)
        {
            throw new ExtractionException($"the Word document has {zip.Entries.Count} parts; a report has a few dozen");
        }

        if (zip.Entries.Sum(e => e.Length) > limit)
        {
            throw new ExtractionException(TooLarge(limit));
        }
    }

    private static string TooLarge(long limit) =>
        $"the Word document decompresses to more than {limit / (1024 * 1024)} MB (limit Extraction:MaxDecompressedBytes); it may be a zip bomb";

    // The children of <w:body> or <w:sdtContent>, in order; the reader is on the container's start
    // tag. (Each branch leaves the reader on the child's last node; Skip leaves it past the child.)
    private static void ReadBlocks(XmlReader reader, StringBuilder output)
    {
        if (reader.IsEmptyElement)
        {
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1 && reader.NamespaceURI == WordNamespace)
            {
                switch (reader.LocalName)
                {
                    case "p":
                        ReadParagraph(reader, output);
                        output.Append('\n');
                        break;
                    case "tbl":
                        ReadTable(reader, output);
                        output.Append('\n');
                        break;
                    case "sdt":
                        ReadStructuredBlock(reader, output);
                        break;
                    default:
                        reader.Skip();
                        continue;
                }
            }

            reader.Read();
        }
    }

    // <w:sdt>: a content control; its <w:sdtContent> holds blocks.
    private static void ReadStructuredBlock(XmlReader reader, StringBuilder output)
    {
        using var sdt = reader.ReadSubtree();
        sdt.Read();
        while (sdt.Read())
        {
            if (sdt.NodeType == XmlNodeType.Element && sdt.Depth == 1 && sdt.LocalName == "sdtContent" && sdt.NamespaceURI == WordNamespace)
            {
                ReadBlocks(sdt, output);
            }
        }
    }

    // Rows one per line, cells joined with a tab, a cell's own paragraphs joined with a space.
    private static void ReadTable(XmlReader reader, StringBuilder output)
    {
        using var table = reader.ReadSubtree();
        table.Read();
        table.Read();
        var cellsInRow = 0;
        var paragraphsInCell = 0;
        while (!table.EOF)
        {
            if (table.NodeType == XmlNodeType.EndElement && table.Depth == 1 && table.LocalName == "tr")
            {
                output.Append('\n');
            }
            else if (table.NodeType == XmlNodeType.Element && table.NamespaceURI == WordNamespace)
            {
                switch (table.LocalName)
                {
                    case "tr" when table.Depth == 1:
                        cellsInRow = 0;
                        break;
                    case "tc" when table.Depth == 2:
                        if (cellsInRow++ > 0)
                        {
                            output.Append('\t');
                        }

                        paragraphsInCell = 0;
                        break;
                    case "p" when table.Depth == 3:
                        if (paragraphsInCell++ > 0)
                        {
                            output.Append(' ');
                        }

                        ReadParagraph(table, output);
                        break;
                    case "tbl":
                        table.Skip(); // a table inside a cell is not read
                        continue;
                }
            }

            table.Read();
        }
    }

    // Every <w:t> of the paragraph, wherever it stands (runs, hyperlinks, fields); tabs and breaks of runs.
    private static void ReadParagraph(XmlReader reader, StringBuilder output)
    {
        if (reader.IsEmptyElement)
        {
            return;
        }

        using var paragraph = reader.ReadSubtree();
        paragraph.Read();
        paragraph.Read();
        var parents = new Stack<string>();
        while (!paragraph.EOF)
        {
            if (paragraph.NodeType == XmlNodeType.EndElement)
            {
                parents.TryPop(out _);
            }
            else if (paragraph.NodeType == XmlNodeType.Element)
            {
                var word = paragraph.NamespaceURI == WordNamespace;
                if (word && paragraph.LocalName == "t")
                {
                    output.Append(paragraph.ReadElementContentAsString());
                    continue; // the reader is already past </w:t>
                }

                var inRun = parents.TryPeek(out var parent) && parent == "r";
                if (word && inRun && paragraph.LocalName == "tab")
                {
                    output.Append('\t');
                }
                else if (word && inRun && paragraph.LocalName is "br" or "cr")
                {
                    output.Append('\n');
                }

                if (!paragraph.IsEmptyElement)
                {
                    parents.Push(word ? paragraph.LocalName : string.Empty);
                }
            }

            paragraph.Read();
        }
    }

    /// <summary>A read-only stream that fails once more than a set number of bytes came through it.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long total;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => total;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            total += read;
            return total > limit ? throw new ExtractionException(TooLarge(limit)) : read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
