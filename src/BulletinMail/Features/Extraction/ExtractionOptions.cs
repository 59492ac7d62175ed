using System.ComponentModel.DataAnnotations;

namespace BulletinMail.Features.Extraction;

/// <summary>Limits on what extraction reads, so that hostile input costs bounded time and memory (<c>Extraction</c> in config).</summary>
public sealed class ExtractionOptions
{
    public const string Section = "Extraction";

    /// <summary>The largest file or message read at all.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxInputBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>The largest single attachment read.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxAttachmentBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>The most a .docx may decompress to, all its parts together (zip bombs exist).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxDecompressedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The most text kept from one input; more is cut with a warning.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxTextChars { get; set; } = 2_000_000;

    /// <summary>How deep MIME parts and forwarded messages may nest.</summary>
    [Range(1, 100)]
    public int MaxMimeDepth { get; set; } = 10;
}
