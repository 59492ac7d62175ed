namespace BulletinMail.Features.Units;

/// <summary>A reporting unit of the registry (<c>config/units.json</c>).</summary>
/// <param name="Name">The name the bulletin prints.</param>
/// <param name="Aliases">Other names the unit writes itself as (保定市科协 for 保定市).</param>
/// <param name="Section">The bulletin section the unit's paragraph stands in.</param>
/// <param name="Order">Position within its section.</param>
/// <param name="Senders">Addresses the unit mails its reports from.</param>
public sealed record UnitDefinition(
    string Name,
    IReadOnlyList<string> Aliases,
    string? Section,
    int Order,
    IReadOnlyList<string> Senders);
