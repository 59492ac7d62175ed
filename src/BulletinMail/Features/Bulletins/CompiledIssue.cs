namespace BulletinMail.Features.Bulletins;

/// <summary>An issue as a compile left it, and what became of its approval.</summary>
/// <param name="ApprovalWithdrawn">The issue was approved, and its content changed: it is a draft again.</param>
public sealed record CompiledIssue(Issue Issue, bool ApprovalWithdrawn)
{
    /// <summary>The issue was approved and its content is unchanged: it stays approved, as it was.</summary>
    public bool ApprovalKept => Issue.State == IssueState.Approved;
}
