using BulletinMail.Features.Intake;
using BulletinMail.Features.Units;

namespace BulletinMail.Web.Pages;

/// <summary>A held or quarantined submission with the actions that fit it (issue 12: no action that cannot work).</summary>
/// <param name="CanAssign">Assign a unit (and optionally remember the sender): a held report whose sender has an address.
/// Mail without one (garbage, several or unreadable senders) cannot be vouched for by any unit.</param>
/// <param name="CanRelease">Process it again trusting its sender: quarantined mail once its fault is fixed, or a
/// registered sender's held report (failed authentication, a parser since fixed). An unknown sender would only be held again.</param>
public sealed record HeldItem(Submission Submission, bool CanAssign, bool CanRelease)
{
    public static HeldItem For(Submission submission, UnitRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(registry);
        var held = submission.Status == SubmissionStatus.Held;
        var sender = submission.FromAddress is { Length: > 0 } address ? address : null;
        return new HeldItem(submission, held && sender is not null, !held || registry.FindBySender(sender) is not null);
    }
}
