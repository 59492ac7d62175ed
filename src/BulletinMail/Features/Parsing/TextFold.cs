namespace BulletinMail.Features.Parsing;

/// <summary>
/// Folds text for matching, one character for one character, so that an index into the folded
/// text is an index into the original: full-width ASCII becomes ASCII (６月１８日 → 6月18日,
/// ：→ :, ；→ ;), and the traditional characters that our keywords use become simplified
/// (科協 → 科协, 舉辦 → 举办). What the user sees is always cut from the original.
/// </summary>
internal static class TextFold
{
    private const int CjkFirst = 0x4E00;
    private const int CjkLast = 0x9FFF;

    // Pairs of traditional → simplified characters: those in unit suffixes, headings, date words,
    // greetings, closings and quoting lines, and the commonest others.
    private const string TraditionalPairs =
        "協协學学會会舉举辦办區区縣县劃划聞闻寫写來来項项號号與与組组織织開开進进國国業业務务發发廣广東东" +
        "陽阳圖图書书長长專专際际節节現现當当週周體体醫医聯联員员屆届場场議议論论壇坛訪访調调報报點点" +
        "從从門门鄉乡鎮镇廳厅處处館馆總总灣湾臺台謝谢禮礼請请閱阅話话機机傳传郵邮領领導导這这" +
        "們们為为對对於于後后動动產产經经濟济環环參参術术驗验實实與与島岛題题頭头樣样種种礙碍單单況况" +
        "屆届辭辞歲岁灃沣蘇苏鄭郑遼辽寧宁龍龙雲云貴贵陝陕黃黄廈厦饒饶濱滨瀋沈蘭兰烏乌齊齐魯鲁" +
        "軍军師师範范標标準准網网絡络資资訊讯電电腦脑數数據据質质積积極极緒绪繫系係系廠厂價价錢钱銀银" +
        "計计畫画淨净團团隊队辦办農农漁渔礦矿鋼钢鐵铁車车運运輸输費费統统計计測测繪绘製制藥药療疗衛卫";

    private static readonly char[] Simplified = BuildMap();

    private static char[] BuildMap()
    {
        var map = new char[CjkLast - CjkFirst + 1];
        for (var i = 0; i + 1 < TraditionalPairs.Length; i += 2)
        {
            map[TraditionalPairs[i] - CjkFirst] = TraditionalPairs[i + 1];
        }

        return map;
    }

    public static char Fold(char c)
    {
        if (c < 0x80)
        {
            return c;
        }

        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            return (char)(c - 0xFEE0);
        }

        if (c is >= (char)CjkFirst and <= (char)CjkLast)
        {
            var simple = Simplified[c - CjkFirst];
            return simple == '\0' ? c : simple;
        }

        return c switch
        {
            '\u3000' or '\u00A0' or '\u2002' or '\u2003' or '\u2009' => ' ',
            '\u301C' => '~',
            '\u2010' or '\u2011' or '\u2212' => '-',
            _ => c,
        };
    }

    public static string Fold(string text)
    {
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Fold(source[i]);
            }
        });
    }

    /// <summary>White space of any width, including the ideographic space.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c == '\u3000' || c == '\uFEFF';
}
