using System.Buffers;

namespace BulletinMail.Features.Parsing;

/// <summary>Whether a short piece of folded text names a reporting unit: by the registry, or by its shape.</summary>
internal static class UnitNameRules
{
    // Longest first where one ends another (研究会 before 会 is not listed: 会 alone names meetings too).
    private static readonly string[] ChineseSuffixes =
    [
        "科协", "学会", "协会", "研究会", "促进会", "联合会", "委员会", "理事会", "中心", "分中心", "大学", "学院",
        "研究院", "研究所", "科学院", "工程院", "公司", "集团", "基地", "联盟", "分会", "工作站", "服务站",
        "市", "省", "区", "县", "州", "盟", "旗", "镇", "乡", "局", "厅", "委", "办", "馆", "部",
    ];

    private static readonly string[] EnglishKeywords =
    [
        "society", "association", "institute", "university", "college", "academy", "council", "committee",
        "federation", "center", "centre", "foundation", "office", "department", "bureau", "city", "province",
        "district", "county", "chapter", "branch", "club", "union", "network", "laboratory", "school",
        "hospital", "commission", "agency", "ministry",
    ];

    private static readonly SearchValues<char> AsciiDigits = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> PinyinLetters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü");
    private static readonly SearchValues<char> ClausePunctuation = SearchValues.Create(",;。、“”《》!?");

    private static readonly string[] NotUnits =
        ["地址", "联系人", "发件人", "收件人", "主办单位", "承办单位", "时间", "地点", "举办", "承办", "主办", "协办", "创办", "开办", "督办", "召开"];

    public static bool IsUnitName(ReadOnlySpan<char> folded, IKnownUnits registry)
    {
        folded = folded.Trim();
        if (folded.Length is < 2 or > 80 || folded.ContainsAny(ClausePunctuation))
        {
            return false;
        }

        if (registry.NameOf(folded) is not null)
        {
            return true;
        }

        var english = char.IsAsciiLetter(folded[0]);
        folded = WithoutPinyinNotes(folded);
        if ((!english && (folded.Length > 30 || folded.ContainsAny(AsciiDigits))) || StartsWithDate(folded))
        {
            return false;
        }

        foreach (var word in NotUnits)
        {
            if (folded.EndsWith(word, StringComparison.Ordinal))
            {
                return false;
            }
        }

        if (english)
        {
            return IsEnglishUnitName(folded, needsKeyword: true);
        }

        foreach (var suffix in ChineseSuffixes)
        {
            if (folded.EndsWith(suffix, StringComparison.Ordinal) && folded.Length > suffix.Length)
            {
                return true;
            }
        }

        return false;
    }

    // 瑯琊區(qū)科協(xié): a mirror's pinyin after each character it glossed. The last gloss hides the suffix.
    private static ReadOnlySpan<char> WithoutPinyinNotes(ReadOnlySpan<char> folded)
    {
        while (folded.Length > 3 && folded[^1] == ')' && folded.LastIndexOf('(') is var open and > 0
            && folded[(open + 1)..^1] is { Length: > 0 and <= 6 } gloss && !gloss.ContainsAnyExcept(PinyinLetters))
        {
            folded = folded[..open];
        }

        return folded;
    }

    private static bool StartsWithDate(ReadOnlySpan<char> folded) =>
        DateScanner.TryReadAt(folded, 0, new Period(2000, 1), out _)
        || DateScanner.TryFind(folded, 0, new Period(2000, 1), out _);

    /// <summary>Women in Engineering, Young Professionals: capitalised words, as a unit's name is written in English.</summary>
    public static bool IsEnglishName(ReadOnlySpan<char> folded) =>
        folded.Length > 0 && char.IsAsciiLetter(folded[0]) && IsEnglishUnitName(folded, needsKeyword: false) && !StartsWithDate(folded);

    // "Beijing Association for Science and Technology": capitalised words, one of them a kind of organisation.
    private static bool IsEnglishUnitName(ReadOnlySpan<char> folded, bool needsKeyword)
    {
        var words = 0;
        var hasKeyword = false;
        foreach (var range in folded.Split(' '))
        {
            var word = folded[range].TrimEnd(',');
            if (word.IsEmpty)
            {
                continue;
            }

            words++;
            if (!char.IsUpper(word[0]) && word is not ("of" or "for" or "and" or "the" or "&" or "in" or "on"))
            {
                return false;
            }

            foreach (var keyword in EnglishKeywords)
            {
                hasKeyword |= word.Equals(keyword, StringComparison.OrdinalIgnoreCase);
            }
        }

        return words is >= 1 and <= 10 && (hasKeyword || !needsKeyword);
    }
}
