namespace BulletinMail.Web.Pages;

/// <summary>An entry's edit as the editor typed it, shown again when it is refused.</summary>
public sealed record EditInput(string? Date, DateOnly? Start, DateOnly? End, string? Text, string? Unit, string? Section);
