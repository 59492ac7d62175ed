namespace BulletinMail.Features.Parsing;

/// <summary>Reads the small numbers that dates use, in Arabic or Chinese digits (十二, 三十一, 二〇一六).</summary>
internal static class ChineseNumerals
{
    public static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '〇' or '零' => 0,
        '一' => 1,
        '二' or '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => -1,
    };

    private static bool IsChineseDigit(char c) => c is not (>= '0' and <= '9') && DigitValue(c) >= 0;

    /// <summary>
    /// Reads a number at <paramref name="index"/> of folded text: ASCII digits (at most
    /// <paramref name="maxDigits"/>), positional Chinese digits (二〇一六) or 十-forms (十二, 二十一, 廿).
    /// </summary>
    /// <returns>The characters read; 0 when there is no number there.</returns>
    public static int Read(ReadOnlySpan<char> text, int index, int maxDigits, out int value)
    {
        value = 0;
        var i = index;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]) && i - index < maxDigits)
            {
                value = (value * 10) + (text[i] - '0');
                i++;
            }

            // A longer run of digits is another number (a year, a phone number), not this one.
            return i < text.Length && char.IsAsciiDigit(text[i]) ? 0 : i - index;
        }

        if (i < text.Length && text[i] == '廿')
        {
            value = 20;
            i++;
            if (i < text.Length && IsChineseDigit(text[i]) && DigitValue(text[i]) > 0)
            {
                value += DigitValue(text[i]);
                i++;
            }

            return i - index;
        }

        var tens = -1;
        var units = 0;
        var positional = 0;
        var digits = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '十' && tens < 0 && digits <= 1)
            {
                tens = digits == 0 ? 1 : units;
                units = 0;
                digits = 0;
                i++;
                continue;
            }

            if (!IsChineseDigit(c) || digits >= maxDigits)
            {
                break;
            }

            var d = DigitValue(c);
            positional = (positional * 10) + d;
            units = d;
            digits++;
            i++;
        }

        if (i == index)
        {
            return 0;
        }

        if (tens >= 0)
        {
            if (digits > 1)
            {
                return 0;
            }

            value = (tens * 10) + units;
        }
        else
        {
            value = positional;
        }

        return i - index;
    }
}
