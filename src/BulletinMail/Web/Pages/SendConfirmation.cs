namespace BulletinMail.Web.Pages;

/// <summary>What a send would do, shown before it does it: to whom (a description and the first addresses) and how many.</summary>
/// <param name="Failed">It resends the failed deliveries.</param>
public sealed record SendConfirmation(string Who, int Count, IReadOnlyList<string> Sample, bool Failed)
{
    /// <summary>How many addresses the confirmation names.</summary>
    public const int SampleSize = 5;
}
