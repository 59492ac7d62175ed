using System.Globalization;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using Microsoft.Extensions.Options;

namespace BulletinMail.Web;

/// <summary>How the pages show instants (in the configured time zone) and entry dates.</summary>
public sealed class DisplayFormat(IOptions<IntakeOptions> intake, TimeProvider time)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(intake.Value.TimeZone);

    public string Time(DateTimeOffset? instant) =>
        instant is { } at ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>Whether the instant falls on today, in the configured time zone.</summary>
    public bool IsToday(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, zone).Date == TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).Date;

    /// <summary>The date as the report wrote it; for an edited entry without an expression, as the bulletin prints it (6月23-24日).</summary>
    public static string EntryDate(StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.DateText is { Length: > 0 } text)
        {
            return text;
        }

        return entry.DateStart is null && entry.DatePrecision == "approximate"
            ? Texts.T("recently")
            : Features.Bulletins.BulletinClause.From(entry with { Inherited = false }).Date ?? "—";
    }

    /// <summary>Which mailbox a submission came from, without the server's folders: a Maildir's path is the operator's business.</summary>
    public static string Mailbox(string mailbox) =>
        mailbox?.StartsWith("maildir:", StringComparison.Ordinal) == true ? "Maildir" : mailbox ?? string.Empty;

    /// <summary>What is wrong with a period typed into a page's address or field; null when it reads, or none was given.</summary>
    public static string? PeriodProblem(string? requested) =>
        string.IsNullOrWhiteSpace(requested) || Period.TryParse(requested, out _) ? null : $"{Texts.T("A period is written YYYY-MM, not")} \"{requested}\"";

    /// <summary>The period a page was asked for (<c>YYYY-MM</c>), else the one editors most likely work on.</summary>
    public Period PeriodOrDefault(string? requested) => Period.TryParse(requested, out var period) ? period : DefaultPeriod();

    /// <summary>The period editors most likely work on: last month, in the configured time zone (reports arrive after the month).</summary>
    private Period DefaultPeriod()
    {
        var today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        return new Period(today.Year, today.Month).AddMonths(-1);
    }

    public static string Confidence(double confidence) => confidence.ToString("0.00", CultureInfo.InvariantCulture);
}
