using BulletinMail.Features.Parsing;
using BulletinMail.Features.Subscribers;
using BulletinMail.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.Features.Bulletins;

/// <summary>An editor's steps with an issue: compile (or recompile) the draft, preview it, send a test copy, approve it.</summary>
public sealed class DigestWorkflow(
    BulletinCompiler compiler,
    BulletinRenderer renderer,
    IssueStore issues,
    BulletinMessages messages,
    PublicLinks links,
    IOptions<OutboundOptions> outbound,
    IOutboundMailer mailer)
{
    /// <summary>Compiles the period's approved entries into its issue: a new draft, or the draft replaced; an approved issue whose content is unchanged stays approved.</summary>
    /// <exception cref="IssueFrozenException">The issue is being sent or was sent.</exception>
    public async Task<Issue> CompileAsync(Period period, string actor, CancellationToken cancellationToken) =>
        (await CompileAsync(period, actor, allowEmpty: true, cancellationToken))!.Issue;

    /// <param name="allowEmpty">False: with no approved entries, compile nothing (no issue number is taken) and return null.</param>
    /// <exception cref="IssueFrozenException">The issue is being sent or was sent.</exception>
    public async Task<CompiledIssue?> CompileAsync(Period period, string actor, bool allowEmpty, CancellationToken cancellationToken)
    {
        // A frozen issue is refused where the draft is saved, in the same transaction that checks it.
        var existing = await issues.GetAsync(period.ToString(), cancellationToken);
        var number = existing?.Number ?? await issues.NumberForAsync(period.ToString(), cancellationToken);
        var bulletin = await compiler.CompileAsync(period, number, cancellationToken);
        if (bulletin.EntryCount == 0 && !allowEmpty)
        {
            return null;
        }

        var rendered = await renderer.RenderAsync(bulletin, cancellationToken);

        // Recompiling an approved issue (to export its .eml, say) keeps the approval when the content
        // is what was approved: compared as it was approved, under the date it was compiled on (issue 11).
        var asApproved = existing is { State: IssueState.Approved } ? await RenderAsCompiledAsync(bulletin, existing, cancellationToken) : null;
        return await issues.SaveDraftAsync(period.ToString(), number, rendered, asApproved, bulletin.EntryCount, actor, cancellationToken);
    }

    /// <summary>
    /// After a correction of a sent month: renders the issue again from the month's approved entries
    /// and editors' sections, as a compile would, under the date it printed, and stores it in place
    /// of the one sent. Nothing is mailed again.
    /// </summary>
    /// <returns>False when the issue is not sent, or the correction changed nothing it prints.</returns>
    public async Task<bool> ReviseSentAsync(Issue issue, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var bulletin = await compiler.CompileAsync(Period.Parse(issue.Period), issue.Number, cancellationToken);
        var rendered = await RenderAsCompiledAsync(bulletin, issue, cancellationToken);
        return await issues.ReviseSentAsync(issue.Period, rendered, bulletin.EntryCount, actor, cancellationToken);
    }

    public Task<bool> ApproveAsync(Period period, string actor, CancellationToken cancellationToken) =>
        issues.TransitionAsync(period.ToString(), IssueState.Draft, IssueState.Approved, actor, cancellationToken);

    /// <summary>The text or HTML body for a preview: the unsubscribe link points at the unsubscribe page, not at anyone's token.</summary>
    public string Preview(Issue issue, bool html)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var body = (html ? issue.HtmlBody : issue.TextBody).Replace(Bulletin.UnsubscribePlaceholder, $"{links.Root}/unsubscribe", StringComparison.Ordinal);
        return body.EndsWith('\n') ? body : body + "\n";
    }

    /// <summary>The issue as one subscriber would get it (a sample subscriber, id 0), for previews and <c>--format eml</c>.</summary>
    public MimeMessage Sample(Issue issue, string email, string? name = null) => messages.Create(issue, 0, email, name);

    /// <summary>Sends a test copy to an editor through the outbound setting; it is not a delivery and changes nothing.</summary>
    public async Task SendTestCopyAsync(Issue issue, string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var message = Sample(issue, email);
        message.Subject = $"[TEST] {message.Subject}";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(outbound.Value.Domain);
        await mailer.SendAsync(message, cancellationToken);
    }

    // The bulletin as the stored issue printed it: dated the day it was compiled, not today.
    private Task<RenderedBulletin> RenderAsCompiledAsync(Bulletin bulletin, Issue issue, CancellationToken cancellationToken) =>
        renderer.RenderAsync(bulletin with { Date = compiler.DateLine(issue.CompiledAt) }, cancellationToken);
}
