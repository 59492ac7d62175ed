using System.Globalization;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Features.Units;
using BulletinMail.Mail;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Bulletins;

/// <summary>
/// Turns the approved entries of a period into the bulletin in the house style of issue 21:
/// headlines (本期要闻), the editors' sections, then each section of the registry in order with
/// one paragraph per unit in the editors' order. The grouping is the review queue's, so the
/// bulletin reads as the queue showed it.
/// </summary>
public sealed class BulletinCompiler(
    ReviewQueueLoader queue,
    UnitStore units,
    UnitRegistry configured,
    EditorialStore editorials,
    IOptions<DigestOptions> options,
    IOptions<SubscriberOptions> subscriberOptions,
    IOptions<OutboundOptions> outbound,
    TimeProvider time)
{
    public async Task<Bulletin> CompileAsync(Period period, int number, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var view = await queue.LoadAsync(period.ToString(), new QueueFilter(Status: EntryStore.Approved), cancellationToken);
        var editorials = await EditorialsAsync(period, cancellationToken);

        var headlines = new List<BulletinClause>();
        var sections = new List<BulletinSection>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var entryCount = 0;
        foreach (var section in view.Sections)
        {
            entryCount += section.Units.Sum(u => u.Entries.Count);
            if (section.Name == ReportParser.HeadlineSection)
            {
                headlines.AddRange(section.Units.SelectMany(u => u.Entries).Select(BulletinClause.From));
                continue;
            }

            headlines.AddRange(section.Units.SelectMany(u => u.Entries.Where(e => e.Headline).Select(e => BulletinClause.Headline(e, u.Name))));
            var paragraphs = section.Units.Select(u => new BulletinUnit(u.Name, [.. u.Entries.Select(BulletinClause.From)])).ToList();
            reported.UnionWith(section.Units.Select(u => u.Name));
            var name = section.Name.Length == 0 ? settings.OtherSectionTitle : section.Name;
            sections.Add(new BulletinSection(string.Empty, name, paragraphs));
        }

        // Editors' sections come first in the numbering, then the units' sections.
        var numbered = editorials.Select((e, i) => e with { Heading = Bulletin.Ordinal(i + 1) + e.Name }).ToList();
        var numberedSections = sections.Select((s, i) => s with { Heading = Bulletin.Ordinal(numbered.Count + i + 1) + s.Name }).ToList();

        var registry = await units.LoadAsync(configured.Sections, cancellationToken);
        var missing = settings.ListMissingUnits ? registry.Units.Select(u => u.Name).Where(n => !reported.Contains(n)).ToList() : [];
        return new Bulletin(
            number,
            period.ToString(),
            subscriberOptions.Value.Title,
            DateLine(time.GetUtcNow()),
            headlines,
            numbered,
            numberedSections,
            missing,
            new BulletinFooter(settings.SubmissionAddress ?? outbound.Value.From, settings.PostalAddress, settings.Contact),
            entryCount);
    }

    /// <summary>The date as the bulletin prints it, in the schedule's time zone.</summary>
    public string DateLine(DateTimeOffset instant) => LocalDate(instant).ToString("yyyy年M月d日", CultureInfo.InvariantCulture);

    /// <summary>The day an instant falls on in the schedule's time zone: an issue's date, or a correction's.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(options.Value.Schedule.TimeZone)).DateTime);

    private async Task<IReadOnlyList<BulletinEditorial>> EditorialsAsync(Period period, CancellationToken cancellationToken) =>
        [.. (await editorials.ListAsync(period.ToString(), cancellationToken)).Select(e => new BulletinEditorial(string.Empty, e.Heading, EditorialMarkdown.ToText(e.Markdown), EditorialMarkdown.ToHtml(e.Markdown)))];
}
