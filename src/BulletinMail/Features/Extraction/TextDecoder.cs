using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BulletinMail.Features.Extraction;

/// <summary>Text decoded from bytes, and the charset it was decoded with.</summary>
public sealed record DecodedText(string Text, string Charset);

/// <summary>
/// Decodes report text whose charset is unknown or untrustworthy: a byte-order mark, else strict
/// UTF-8, else whichever of GB18030 and Big5 reads as more common Chinese, else Windows-1252.
/// Labels are mapped to the encodings that lose nothing: gb2312 and gbk are read as GB18030
/// (a superset), so no character turns into '?'.
/// </summary>
public static class TextDecoder
{
    // The most frequent characters of Chinese prose and reports, simplified and traditional.
    private const string CommonCharacters =
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经" +
        "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形" +
        "相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五" +
        "果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回" +
        "则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花" +
        "带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织" +
        "装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划" +
        "选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞协举签议项站创驱助" +
        "這國會個來們時為說過於後發現實體當從產點與對關開動經機學區將進種長問書員變業開話頭義議樣間應嗎還據導創議項與驅簽站協舉";

    private static readonly SearchValues<char> Common = SearchValues.Create(CommonCharacters);

    // Without this, .NET knows no GB18030, GBK or Big5, and MimeKit silently mis-decodes them.
    // (Static initializers run in order: the provider is there before the encodings below.)
    private static readonly bool CodePages = RegisterCodePages();

    /// <summary>Call once at start-up so that every component sees the legacy code pages.</summary>
    public static void EnsureCodePages() => _ = CodePages;

    // Looked up once: Encoding.GetEncoding takes the providers' lock on every call.
    public static Encoding Gb18030 { get; } = Encoding.GetEncoding("GB18030");

    public static Encoding Big5 { get; } = Encoding.GetEncoding("big5");

    private static readonly UTF8Encoding PlainUtf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static bool RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    /// <summary>The encoding to read a declared charset with, or null when the label is unknown.</summary>
    public static Encoding? ForLabel(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var label = charset.Trim().Trim('"').ToLowerInvariant();
        return label switch
        {
            "gb2312" or "gbk" or "cp936" or "x-gbk" or "euc-cn" or "csgb2312" or "gb_2312-80" or "x-euc-cn" or "ms936" or "windows-936" or "gb18030" => Gb18030,
            "big5" or "big5-hkscs" or "cp950" or "x-x-big5" or "csbig5" => Big5,
            "us-ascii" or "ascii" => PlainUtf8,
            _ => TryGetEncoding(label),
        };
    }

    private static Encoding? TryGetEncoding(string label)
    {
        try
        {
            return Encoding.GetEncoding(label);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Decodes bytes of unknown charset.</summary>
    public static DecodedText Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new DecodedText(Encoding.UTF8.GetString(bytes[3..]), "utf-8");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new DecodedText(Encoding.Unicode.GetString(bytes[2..]), "utf-16le");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new DecodedText(Encoding.BigEndianUnicode.GetString(bytes[2..]), "utf-16be");
        }

        if (LooksLikeUtf16(bytes, out var bigEndian))
        {
            return bigEndian
                ? new DecodedText(Encoding.BigEndianUnicode.GetString(bytes), "utf-16be")
                : new DecodedText(Encoding.Unicode.GetString(bytes), "utf-16le");
        }

        if (Utf8.IsValid(bytes))
        {
            return new DecodedText(Encoding.UTF8.GetString(bytes), "utf-8");
        }

        return DecodeLegacy(bytes);
    }

    /// <summary>Decodes bytes whose declared charset may be wrong: the declaration wins only when it reads cleanly.</summary>
    public static DecodedText Decode(ReadOnlySpan<byte> bytes, string? declaredCharset)
    {
        var declared = ForLabel(declaredCharset);
        if (declared is null || declared.CodePage == Encoding.UTF8.CodePage)
        {
            return Decode(bytes);
        }

        // A GB label on Big5 bytes (or the reverse), and a legacy label on UTF-8, are common:
        // valid UTF-8 with non-ASCII bytes is UTF-8; between GB18030 and Big5, what reads as Chinese wins.
        if (Utf8.IsValid(bytes) && HasNonAscii(bytes))
        {
            return Decode(bytes);
        }

        return declared.CodePage == Gb18030.CodePage || declared.CodePage == Big5.CodePage
            ? DecodeLegacy(bytes)
            : new DecodedText(declared.GetString(bytes), declared.WebName);
    }

    private static bool HasNonAscii(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;

    private static DecodedText DecodeLegacy(ReadOnlySpan<byte> bytes)
    {
        var gb = Gb18030.GetString(bytes);
        var big5 = Big5.GetString(bytes);
        var gbScore = Score(gb);
        var big5Score = Score(big5);
        if (Math.Max(gbScore, big5Score) <= 0 && !HasCjk(gb))
        {
            return new DecodedText(Encoding.Latin1.GetString(bytes), "windows-1252");
        }

        return big5Score > gbScore ? new DecodedText(big5, "big5") : new DecodedText(gb, "gb18030");
    }

    private static bool HasCjk(string text) => text.AsSpan().IndexOfAnyInRange('\u4E00', '\u9FFF') >= 0;

    // Common characters count for, replacement characters and private-use code points against.
    private static int Score(string text)
    {
        var score = 0;
        foreach (var c in text)
        {
            if (Common.Contains(c))
            {
                score += 2;
            }
            else if (c == '\uFFFD' || c is >= '\uE000' and <= '\uF8FF')
            {
                score -= 5;
            }
        }

        return score;
    }

    // Without a BOM, UTF-16 shows itself by NUL bytes, which 8-bit text never has; the byte
    // order is the one whose characters are plausible (CJK, ASCII, CJK punctuation).
    private static bool LooksLikeUtf16(ReadOnlySpan<byte> bytes, out bool bigEndian)
    {
        bigEndian = false;
        if (bytes.Length < 4 || bytes.Length % 2 != 0 || bytes.IndexOf((byte)0) < 0)
        {
            return false;
        }

        var sample = bytes[..Math.Min(bytes.Length, 8192)];
        var little = Plausible(Encoding.Unicode.GetString(sample));
        var big = Plausible(Encoding.BigEndianUnicode.GetString(sample));
        bigEndian = big > little;
        return Math.Max(little, big) >= 0.8;
    }

    private static double Plausible(string text)
    {
        var plausible = 0;
        foreach (var c in text)
        {
            plausible += c is >= ' ' and <= '~' or '\n' or '\r' or '\t' or >= '\u4E00' and <= '\u9FFF' or >= '\u3000' and <= '\u303F' or >= '\uFF00' and <= '\uFFEF' or '\u201C' or '\u201D' ? 1 : 0;
        }

        return text.Length == 0 ? 0 : (double)plausible / text.Length;
    }
}
