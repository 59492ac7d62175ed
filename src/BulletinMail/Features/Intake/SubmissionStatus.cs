namespace BulletinMail.Features.Intake;

/// <summary>Submission statuses (DESIGN.md). <c>received</c> is the moment between recording and processing.</summary>
public static class SubmissionStatus
{
    public const string Received = "received";
    public const string Parsed = "parsed";
    public const string Held = "held";
    public const string Quarantined = "quarantined";
    public const string Duplicate = "duplicate";
    public const string Ignored = "ignored";
    public const string Superseded = "superseded";

    /// <summary>An editor set a held or quarantined submission aside, with a reason.</summary>
    public const string Discarded = "discarded";

    public static readonly IReadOnlyList<string> All = [Received, Parsed, Held, Quarantined, Duplicate, Ignored, Superseded, Discarded];
}
