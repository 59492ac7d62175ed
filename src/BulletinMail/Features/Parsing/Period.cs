using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BulletinMail.Features.Parsing;

/// <summary>A reporting period: one calendar month, written <c>YYYY-MM</c>.</summary>
public readonly record struct Period(int Year, int Month) : IComparable<Period>
{
    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => new(Year, Month, DateTime.DaysInMonth(Year, Month));

    /// <summary>Months since year 0; differences of these are distances in months.</summary>
    public int MonthIndex => (Year * 12) + Month - 1;

    public static Period Of(DateOnly date) => new(date.Year, date.Month);

    public Period AddMonths(int months)
    {
        var index = MonthIndex + months;
        return new Period(index / 12, (index % 12) + 1);
    }

    /// <summary>Parses <c>YYYY-MM</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid <c>YYYY-MM</c> period.</exception>
    public static Period Parse(string text) =>
        TryParse(text, out var period)
            ? period
            : throw new FormatException($"'{text}' is not a period; expected YYYY-MM, for example 2016-06");

    public static bool TryParse([NotNullWhen(true)] string? text, out Period period)
    {
        period = default;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || year < 1900 || year > 2999 || month < 1 || month > 12)
        {
            return false;
        }

        period = new Period(year, month);
        return true;
    }

    public int CompareTo(Period other) => MonthIndex.CompareTo(other.MonthIndex);

    public static bool operator <(Period left, Period right) => left.MonthIndex < right.MonthIndex;

    public static bool operator >(Period left, Period right) => left.MonthIndex > right.MonthIndex;

    public static bool operator <=(Period left, Period right) => left.MonthIndex <= right.MonthIndex;

    public static bool operator >=(Period left, Period right) => left.MonthIndex >= right.MonthIndex;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}
