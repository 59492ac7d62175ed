using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Features.Review;

/// <summary>Which entries of a period the queue shows.</summary>
/// <param name="Status">One status; null for every status but superseded.</param>
public sealed record QueueFilter(string? Status = null, string? Section = null, string? Unit = null, bool LowConfidence = false);

/// <summary>One unit's entries in the queue, in the bulletin's order.</summary>
public sealed record QueueUnit(string Name, bool Registered, IReadOnlyList<StoredEntry> Entries)
{
    public int PendingCount => Entries.Count(e => e.Status == EntryStore.Pending);
}

/// <summary>A section of the bulletin with its units.</summary>
public sealed record QueueSection(string Name, IReadOnlyList<QueueUnit> Units);

/// <summary>A period's queue: sections and units in the bulletin's order, with what the filters offer.</summary>
public sealed record ReviewQueueView(
    string Period,
    IReadOnlyList<QueueSection> Sections,
    IReadOnlyDictionary<string, int> StatusCounts,
    IReadOnlyList<string> SectionNames,
    IReadOnlyList<string> UnitNames)
{
    public int EntryCount => Sections.Sum(s => s.Units.Sum(u => u.Entries.Count));
}

/// <summary>
/// The review queue of a period: headlines (本期要闻) first, then each section in the configured
/// order with its units in registry order; units the registry lacks follow in their own group.
/// </summary>
public sealed class ReviewQueueLoader(EntryStore entries, UnitStore units, UnitRegistry configured)
{
    /// <summary>The group of entries whose unit is not in the registry and that name no section.</summary>
    public const string OtherSection = "";

    public async Task<ReviewQueueView> LoadAsync(string period, QueueFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var registry = await units.LoadAsync(configured.Sections, cancellationToken);
        var all = await entries.ListForReviewAsync(period, null, cancellationToken);
        var counts = all.GroupBy(e => e.Status).ToDictionary(g => g.Key, g => g.Count());

        var shown = all.Where(e =>
            (filter.Status is null || e.Status == filter.Status)
            && (filter.Unit is null || e.Unit == filter.Unit)
            && (!filter.LowConfidence || e.Confidence < EntryStore.LowConfidence));
        var byUnit = shown.GroupBy(e => e.Unit ?? string.Empty).ToDictionary(g => g.Key, g => g.ToList());

        var sections = new List<QueueSection>();
        void Add(string section, IEnumerable<QueueUnit> unitsOfSection)
        {
            var list = unitsOfSection.Where(u => u.Entries.Count > 0).ToList();
            if (list.Count > 0 && (filter.Section is null || filter.Section == section))
            {
                sections.Add(new QueueSection(section, list));
            }
        }

        // Headline lists (本期要闻) have no unit; any other entry without a unit is grouped by its section.
        if (byUnit.Remove(string.Empty, out var unitless))
        {
            foreach (var group in unitless.GroupBy(e => e.Section ?? OtherSection))
            {
                byUnit[$"\0{group.Key}"] = [.. group];
            }
        }

        var headlineKey = $"\0{ReportParser.HeadlineSection}";
        Add(ReportParser.HeadlineSection, Take(headlineKey, string.Empty, registered: false));
        foreach (var section in registry.Sections)
        {
            var inSection = registry.Units.Where(u => u.Section == section).OrderBy(u => u.Order)
                .SelectMany(u => Take(u.Name, u.Name, registered: true))
                .Concat(Take($"\0{section}", string.Empty, registered: false));
            Add(section, inSection);
        }

        Add(OtherSection, registry.Units.Where(u => u.Section is null).SelectMany(u => Take(u.Name, u.Name, registered: true))
            .Concat(byUnit.Keys.Order(StringComparer.Ordinal).ToList().SelectMany(key => Take(key, key.StartsWith('\0') ? string.Empty : key, registered: false))));

        IEnumerable<QueueUnit> Take(string key, string name, bool registered)
        {
            if (byUnit.Remove(key, out var list))
            {
                yield return new QueueUnit(name, registered, list);
            }
        }

        return new ReviewQueueView(
            period,
            sections,
            counts,
            [ReportParser.HeadlineSection, .. registry.Sections],
            [.. registry.InBulletinOrder().Select(u => u.Name)]);
    }
}
