using BulletinMail.Features.Audit;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Subscribers;
using BulletinMail.Mail;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace BulletinMail.Web.Pages;

/// <summary>
/// A period's issue: the editors' sections, compile, preview (HTML and text), a test copy to
/// oneself, approve, send (a background job), progress, and resending to failed deliveries.
/// </summary>
public sealed class DigestModel(
    IssueStore issues,
    EditorialStore editorials,
    DeliveryStore deliveries,
    DigestWorkflow workflow,
    IBackgroundJobClient jobs,
    DisplayFormat format,
    SubscriberStore subscribers,
    IOptions<DigestOptions> options,
    ArchiveCorrections corrections) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    public Issue? Issue { get; private set; }

    public DeliveryCounts Counts { get; private set; } = new(0, 0, 0, 0);

    /// <summary>Why sending is paused (the relay's words); null when it is not.</summary>
    public string? Paused { get; private set; }

    public IReadOnlyList<Editorial> Editorials { get; private set; } = [];

    /// <summary>The subscriber count a first send must have confirmed, when it grew a lot since the last issue; else null.</summary>
    public Audience? ToConfirm { get; private set; }

    /// <summary>Set when a send asks for confirmation: who would get the issue, and how many.</summary>
    public SendConfirmation? Confirm { get; private set; }

    /// <summary>Corrections made after the issue was sent, newest first, each with what changed.</summary>
    public IReadOnlyList<(ArchiveCorrection Correction, IReadOnlyList<Features.Audit.AuditRow> Changes)> Corrections { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? Error { get; set; }

    /// <summary>Why the period asked for could not be read (shown beside the field; the default month is shown instead).</summary>
    public string? PeriodError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PeriodError = DisplayFormat.PeriodProblem(Period);
        Period = ChosenPeriod().ToString();
        Issue = await issues.GetAsync(Period, cancellationToken);
        Counts = Issue is null ? Counts : await deliveries.CountsAsync(Issue.Id, cancellationToken);
        Paused = Issue is null ? null : await deliveries.PausedAsync(Issue.Id, cancellationToken);
        Editorials = await editorials.ListAsync(Period, cancellationToken);
        ToConfirm = Issue is { State: IssueState.Approved } ? await GrownAudienceAsync(cancellationToken) : null;
        Corrections = Issue is { Frozen: true } ? await corrections.ListAsync(Period, cancellationToken) : [];
    }

    private async Task<Audience?> GrownAudienceAsync(CancellationToken cancellationToken)
    {
        var audience = await subscribers.AudienceAsync(cancellationToken);
        return audience.Grew(options.Value.SendConfirmGrowthPercent, options.Value.SendConfirmGrowthMinimum) ? audience : null;
    }

    public async Task<IActionResult> OnPostEditorialsAsync(string[] heading, string[] markdown, CancellationToken cancellationToken)
    {
        var period = ChosenPeriod();
        if ((await corrections.LockAsync(period.ToString(), cancellationToken)).Locked)
        {
            Error = $"{period}: {Texts.T("this month's bulletin was sent. Open a correction of the archive, with a note, before changing it.")}";
            return Back(period);
        }

        var sections = heading.Zip(markdown, (h, m) => new Editorial(h ?? string.Empty, m ?? string.Empty)).ToList();
        await editorials.SaveAsync(period.ToString(), sections, WebApp.Actor(User), cancellationToken);
        Notice = Texts.T("Saved. Compile again to see them in the issue.");
        return Back(period);
    }

    public async Task<IActionResult> OnPostCompileAsync(CancellationToken cancellationToken)
    {
        var period = ChosenPeriod();
        try
        {
            var compiled = (await workflow.CompileAsync(period, WebApp.Actor(User), allowEmpty: true, cancellationToken))!;
            var issue = compiled.Issue;
            Notice = $"{Texts.T("Compiled")}: {issue.Subject} ({issue.EntryCount} {Texts.T("entries")})";
            if (compiled.ApprovalWithdrawn)
            {
                Error = Texts.T("The content changed since it was approved: the approval was withdrawn. Approve it again to send it.");
            }
            else if (compiled.ApprovalKept)
            {
                Notice += " " + Texts.T("The content is unchanged: the issue stays approved.");
            }
        }
        catch (IssueFrozenException ex)
        {
            Error = ErrorMessages.Show(ex.Message);
        }
        catch (InvalidDataException ex)
        {
            Error = ErrorMessages.Show(ex.Message); // a template that does not parse
        }

        return Back(period);
    }

    public async Task<IActionResult> OnPostTestAsync(string? email, CancellationToken cancellationToken)
    {
        var period = ChosenPeriod();
        if (await issues.GetAsync(period.ToString(), cancellationToken) is { } issue && email is { Length: > 0 } && MailAddresses.IsBare(email.Trim()))
        {
            await workflow.SendTestCopyAsync(issue, email.Trim(), cancellationToken);
            Notice = $"{Texts.T("Test copy sent to")} {email.Trim()}";
        }
        else
        {
            Error = Texts.T("Enter a valid e-mail address.");
        }

        return Back(period);
    }

    public async Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken)
    {
        var period = ChosenPeriod();
        Notice = await workflow.ApproveAsync(period, WebApp.Actor(User), cancellationToken) ? Texts.T("Approved.") : null;
        return Back(period);
    }

    /// <summary>
    /// Starts (or resumes) sending in the background; the issue's state and lease make a second
    /// click harmless. A paused send is resumed: the editor says its cause is fixed. Mail to every
    /// subscriber cannot be taken back, so the first POST only shows who and how many, and asks
    /// (issue 12); the second, with <paramref name="confirm"/>, sends.
    /// </summary>
    public async Task<IActionResult> OnPostSendAsync(bool failed, bool confirm, long? confirmCount, CancellationToken cancellationToken)
    {
        var period = ChosenPeriod();
        if (await issues.GetAsync(period.ToString(), cancellationToken) is not { State: IssueState.Approved or IssueState.Sending or IssueState.Sent } issue)
        {
            Error = Texts.T("Approve the issue first.");
            return Back(period);
        }

        // A list that grew a lot since the last issue must also have its count typed (issue 15).
        var countWrong = issue.State == IssueState.Approved && !failed && await GrownAudienceAsync(cancellationToken) is { } grown && confirmCount != grown.Active;
        if (!confirm || countWrong)
        {
            await OnGetAsync(cancellationToken);
            Error = confirm ? Texts.T("Confirm the number of subscribers to send to.") : null;
            Confirm = await ConfirmationAsync(issue, failed, cancellationToken);
            return Page();
        }

        if (failed)
        {
            var requeued = await deliveries.RequeueFailedAsync(issue.Id, cancellationToken);
            Notice = $"{requeued} {Texts.T("failed deliveries queued again")}";
            if (issue.State == IssueState.Sent)
            {
                // Resending reopens the sending of an issue; its content stays frozen.
                await issues.ReopenForResendAsync(issue.Period, WebApp.Actor(User), cancellationToken);
            }
        }

        var actor = WebApp.Actor(User);
        if (await deliveries.ResumeAsync(issue.Id, actor, cancellationToken) is not null)
        {
            Notice = Texts.T("Sending resumed.");
        }

        var p = period.ToString();
        jobs.Enqueue<DigestJobs>(job => job.SendAsync(p, actor, CancellationToken.None));
        Notice ??= Texts.T("Sending has started.");
        return Back(period);
    }

    // Who a send would mail: every active subscriber for a first send, else the deliveries it would retry or finish.
    private async Task<SendConfirmation> ConfirmationAsync(Issue issue, bool failed, CancellationToken cancellationToken)
    {
        if (failed)
        {
            return new SendConfirmation(Texts.T("failed deliveries"), Counts.Failed, [], failed);
        }

        if (issue.State != IssueState.Approved)
        {
            return new SendConfirmation(Texts.T("deliveries still pending"), Counts.Pending, [], failed);
        }

        var active = await subscribers.ListAsync(SubscriberStatus.Active, cancellationToken);
        return new SendConfirmation(Texts.T("active subscribers"), active.Count, [.. active.Take(SendConfirmation.SampleSize).Select(s => s.Email)], failed);
    }

    private Period ChosenPeriod() => format.PeriodOrDefault(Period);

    private RedirectResult Back(Period period) => Redirect($"/digest?period={period}");
}
