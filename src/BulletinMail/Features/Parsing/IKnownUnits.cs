namespace BulletinMail.Features.Parsing;

/// <summary>
/// The registered reporting units, as the parser asks about them. The parser owns this question
/// and the unit registry answers it, so parsing needs no storage, configuration or files.
/// </summary>
public interface IKnownUnits
{
    /// <summary>No unit is registered: units are known by the shape of their names alone.</summary>
    bool IsEmpty { get; }

    /// <summary>The name the bulletin prints for the unit this name or alias stands for; null when none does.</summary>
    string? NameOf(ReadOnlySpan<char> nameOrAlias);

    /// <summary>The printed name of the unit whose longest name or alias the text contains (a title, a subject).</summary>
    string? NameIn(string text);
}

/// <summary>No registered units: what the parser knows when it is given none.</summary>
public sealed class NoKnownUnits : IKnownUnits
{
    public static NoKnownUnits Instance { get; } = new();

    private NoKnownUnits()
    {
    }

    public bool IsEmpty => true;

    public string? NameOf(ReadOnlySpan<char> nameOrAlias) => null;

    public string? NameIn(string text) => null;
}
