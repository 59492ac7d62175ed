using System.Text.Json;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BulletinMail.IntegrationTests.Features.Bulletins;

/// <summary>
/// Recompiling an approved issue (to export its .eml, say) keeps the approval unless the content
/// changed (issue 11). A sent issue is never compiled again: it changes by one path only, the end of
/// a correction of its month, which renders it again under the date it printed, and only when its
/// content changed (issue 12, item 11).
/// </summary>
public sealed class RecompileTests : IAsyncLifetime
{
    private static readonly Period June2016 = new(2016, 6);
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2016, 7, 3, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime()); // a clock tells UTC, as TimeProvider.System does
    private IntakeHarness harness = null!;

    public async Task InitializeAsync() => harness = await IntakeHarness.CreateAsync(new Dictionary<string, string?>(), clock);

    public Task DisposeAsync() => harness.DisposeAsync().AsTask();

    private T Get<T>() where T : notnull => harness.Services.GetRequiredService<T>();

    [Fact]
    public async Task Compile_KeepsTheApproval_WhenTheContentIsUnchanged()
    {
        await ApprovedIssueAsync();
        var approved = (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!;

        clock.Advance(TimeSpan.FromDays(2)); // another day: the bulletin's date line alone is no change
        var again = (await Get<DigestWorkflow>().CompileAsync(June2016, "editor", allowEmpty: true, CancellationToken.None))!;

        Assert.True(again.ApprovalKept);
        Assert.False(again.ApprovalWithdrawn);
        Assert.Equal(approved, again.Issue);
        Assert.Equal(approved, await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None));
        var audit = await IssueAuditAsync(approved.Id);
        Assert.Contains("\"Unchanged\":true", audit[0].After, StringComparison.Ordinal);
        Assert.DoesNotContain(audit, a => a.Action == "issue.approval-withdrawn");
    }

    [Fact]
    public async Task Compile_WithdrawsTheApproval_WhenTheContentChanged()
    {
        var entries = await ApprovedIssueAsync();
        var approved = (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!;
        await Get<EntryStore>().SetStatusAsync([entries[20].Id], null, EntryStore.Approved, "editor", CancellationToken.None);

        var again = (await Get<DigestWorkflow>().CompileAsync(June2016, "editor", allowEmpty: true, CancellationToken.None))!;

        Assert.True(again.ApprovalWithdrawn);
        Assert.False(again.ApprovalKept);
        Assert.Equal((approved.Id, approved.Number, IssueState.Draft, 2), (again.Issue.Id, again.Issue.Number, again.Issue.State, again.Issue.EntryCount));
        Assert.Null(again.Issue.ApprovedBy);
        var withdrawn = Assert.Single(await IssueAuditAsync(approved.Id), a => a.Action == "issue.approval-withdrawn");
        Assert.Equal("editor", withdrawn.Actor);
        Assert.Contains("the content changed", withdrawn.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DigestCompile_SaysWhatBecameOfTheApproval()
    {
        var reports = Directory.GetFiles(Path.Combine(IntakeHarness.Fixtures, "units"), "*.txt").Order(StringComparer.Ordinal).ToList();
        await CliAsync("entries", "import", reports[0], "--period", "2016-06");
        await CliAsync("entries", "approve", "--period", "2016-06", "--all");
        await CliAsync("digest", "compile", "--period", "2016-06", "--out", Path.Combine(harness.DataDirectory, "draft.txt"));
        await CliAsync("digest", "approve", "--period", "2016-06");

        var (_, kept) = await CliAsync("digest", "compile", "--period", "2016-06", "--format", "eml", "--out", Path.Combine(harness.DataDirectory, "issue.eml"));
        Assert.EndsWith("the content is unchanged: still approved", kept, StringComparison.Ordinal);
        Assert.Equal("approved", await StateAsync());

        await CliAsync("entries", "import", reports[1], "--period", "2016-06");
        await CliAsync("entries", "approve", "--period", "2016-06", "--all");
        var (_, withdrawn) = await CliAsync("digest", "compile", "--period", "2016-06", "--out", Path.Combine(harness.DataDirectory, "draft.txt"));
        Assert.Contains(": draft, ", withdrawn, StringComparison.Ordinal);
        Assert.Contains("approval withdrawn (digest approve --period 2016-06 to approve it again)", withdrawn, StringComparison.Ordinal);
        Assert.Equal("draft", await StateAsync());
    }

    [Fact]
    public async Task ASentIssue_IsNotSavedAsADraft()
    {
        var (sent, _) = await SentIssueAsync();

        var refused = await Assert.ThrowsAsync<IssueFrozenException>(() =>
            Get<IssueStore>().SaveDraftAsync("2016-06", sent.Number, new RenderedBulletin("换掉的标题", "换掉的正文", "<p>换掉的正文</p>"), null, 1, "editor", CancellationToken.None));

        Assert.Contains("sent", refused.Message, StringComparison.Ordinal);
        Assert.Equal(sent, await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None));
    }

    [Fact]
    public async Task ACorrectionThatChangesNothing_WritesNoRevision()
    {
        var (sent, _) = await SentIssueAsync();
        clock.Advance(TimeSpan.FromDays(7)); // another day: the date the bulletin printed is kept, so this is no change

        await CorrectAsync(sent, "看错了,无需修改", () => Task.CompletedTask);

        Assert.Equal(sent, await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None));
        Assert.DoesNotContain(await IssueAuditAsync(sent.Id), a => a.Action == "issue.revised");
    }

    [Fact]
    public async Task ACorrectionThatChangesAnEntry_RevisesTheSentIssue_UnderItsOwnDate_AndMailsNothing()
    {
        var (sent, entry) = await SentIssueAsync();
        var deliveries = await Get<DeliveryStore>().CountsAsync(sent.Id, CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(7));

        Assert.True(DateExpression.TryParse("6月2日", June2016, out var date));
        await CorrectAsync(sent, "日期写错了", () => Get<EntryStore>().EditAsync(entry.Id, new EntryEdit(date, "更正后的内容", entry.Unit, entry.Section), "editor", CancellationToken.None));

        var revised = (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!;
        Assert.Contains("更正后的内容", revised.TextBody, StringComparison.Ordinal);
        Assert.Contains("更正后的内容", revised.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(entry.Text, revised.TextBody, StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow(), revised.CorrectedAt);
        Assert.Equal(sent with { TextBody = revised.TextBody, HtmlBody = revised.HtmlBody, CorrectedAt = revised.CorrectedAt }, revised); // number, state, dates, subject kept
        var dateLine = Get<BulletinCompiler>().DateLine(sent.CompiledAt);
        Assert.Contains(dateLine, sent.TextBody, StringComparison.Ordinal);
        Assert.Contains(dateLine, revised.TextBody, StringComparison.Ordinal);

        var revision = Assert.Single(await IssueAuditAsync(sent.Id), a => a.Action == "issue.revised");
        Assert.Equal("editor", revision.Actor);
        Assert.Contains(sent.Subject, revision.Before, StringComparison.Ordinal);
        Assert.Contains("\"EntryCount\":1", revision.After, StringComparison.Ordinal);
        Assert.Equal(deliveries, await Get<DeliveryStore>().CountsAsync(sent.Id, CancellationToken.None));
    }

    // bulletin-021 imported, one entry approved, compiled and approved.
    private async Task<IReadOnlyList<StoredEntry>> ApprovedIssueAsync()
    {
        await Get<ReportImporter>().ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), June2016, null, CancellationToken.None);
        var entries = Get<EntryStore>();
        var all = await entries.ListAsync("2016-06", null, CancellationToken.None);
        await entries.SetStatusAsync([all[10].Id], null, EntryStore.Approved, "editor", CancellationToken.None);
        var workflow = Get<DigestWorkflow>();
        await workflow.CompileAsync(June2016, "editor", CancellationToken.None);
        Assert.True(await workflow.ApproveAsync(June2016, "chief", CancellationToken.None));
        return all;
    }

    // The approved issue marked sent, as the sender leaves it; and its one entry.
    private async Task<(Issue Issue, StoredEntry Entry)> SentIssueAsync()
    {
        var entry = (await ApprovedIssueAsync())[10];
        var issues = Get<IssueStore>();
        Assert.True(await issues.TransitionAsync("2016-06", IssueState.Approved, IssueState.Sending, "chief", CancellationToken.None));
        Assert.True(await issues.TransitionAsync("2016-06", IssueState.Sending, IssueState.Sent, "chief", CancellationToken.None));
        var sent = (await issues.GetAsync("2016-06", CancellationToken.None))!;
        Assert.Contains(entry.Text.TrimEnd('。'), sent.TextBody, StringComparison.Ordinal);
        return (sent, entry);
    }

    // Opens a correction with its note, makes the change, and closes it, as the queue's buttons do.
    private async Task CorrectAsync(Issue issue, string note, Func<Task> change)
    {
        var corrections = Get<ArchiveCorrections>();
        await corrections.OpenAsync(issue, "editor", note, CancellationToken.None);
        await change();
        await corrections.CloseAsync(issue, "editor", CancellationToken.None);
        Assert.Null((await corrections.LockAsync(issue.Period, CancellationToken.None)).Correction);
    }

    // Newest first.
    private Task<IReadOnlyList<AuditRow>> IssueAuditAsync(long id) => Get<AuditLog>().ListAsync(null, "issue", id, null, 20, CancellationToken.None);

    private async Task<string> StateAsync()
    {
        using var json = JsonDocument.Parse((await CliAsync("digest", "status", "--period", "2016-06", "--format", "json")).Output);
        return json.RootElement.GetProperty("state").GetString()!;
    }

    // Runs the real command on the harness's data folder: its output, and the last line it said on stderr.
    private async Task<(string Output, string Said)> CliAsync(params string[] args)
    {
        using var process = CliProcess.Start(harness.DataDirectory, null, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', args)}: exit {process.ExitCode}: {await error}");
        return (await output, (await error).TrimEnd().Split('\n')[^1]);
    }
}
