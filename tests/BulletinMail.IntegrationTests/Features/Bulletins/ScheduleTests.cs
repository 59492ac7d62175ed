using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Features.Units;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace BulletinMail.IntegrationTests.Features.Bulletins;

/// <summary>The monthly schedule on a fake clock (Asia/Shanghai, UTC+8): reminders on the 25th, the draft on the 3rd, sending on the 5th.</summary>
public sealed class ScheduleTests : IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2016, 6, 20, 10, 0, 0, Shanghai).ToUniversalTime()); // a clock tells UTC, as TimeProvider.System does
    private IntakeHarness harness = null!;
    private bool autoSend;

    public async Task InitializeAsync() => await StartAsync();

    private async Task StartAsync()
    {
        harness = await IntakeHarness.CreateAsync(
            new Dictionary<string, string?>
            {
                ["Digest:EditorsAddress"] = "editors@bulletin.example.org",
                ["Digest:AutoSend"] = autoSend ? "true" : "false",
                ["Intake:Acknowledge"] = "false",
            },
            clock);
        await Get<UnitStore>().AddAsync("保定市", null, ["office@baoding.example.org"], CancellationToken.None);
        await Get<UnitStore>().AddAsync("永川区", null, ["office@yongchuan.example.org"], CancellationToken.None);
        await Get<SubscriberStore>().AddAsync("reader@subscribers.example.org", null, "test", "test", CancellationToken.None);
        await Schedule.RunDueAsync(CancellationToken.None); // the first tick: a fresh install, nothing from before it runs
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private T Get<T>() where T : notnull => harness.Services.GetRequiredService<T>();

    private DigestSchedule Schedule => Get<DigestSchedule>();

    private Task<IReadOnlyList<string>> TickAtAsync(int month, int day, int hour, int minute = 1)
    {
        clock.SetUtcNow(new DateTimeOffset(2016, month, day, hour, minute, 0, Shanghai).ToUniversalTime());
        return Schedule.RunDueAsync(CancellationToken.None);
    }

    private async Task ReportFromBaodingAsync()
    {
        var file = Path.Combine(harness.DataDirectory, "baoding.txt");
        await File.WriteAllTextAsync(file, "保定市:6月3日,召开科协全委会;6月15日,举办院士专家企业行活动。");
        await Get<ReportImporter>().ImportAsync(file, new Period(2016, 6), "保定市", CancellationToken.None);
    }

    private async Task<IReadOnlyList<MimeMessage>> OutboxAsync(string subjectPart) =>
        [.. (await Outbox.ReadSentAsync(harness.Services, harness.DataDirectory)).Where(m => m.Subject?.Contains(subjectPart, StringComparison.Ordinal) == true)];

    [Fact]
    public async Task TheMonth_RunsOnItsCalendar_EachTaskOnce()
    {
        await ReportFromBaodingAsync();
        Assert.Empty(await TickAtAsync(6, 25, 8, 59)); // not yet 09:00 in Shanghai

        // The 25th: a reminder to the unit that has not reported (永川区), none to the one that has.
        Assert.Equal(["remind 2016-06: 1 reminders"], await TickAtAsync(6, 25, 9));
        Assert.Equal("office@yongchuan.example.org", Assert.Single(await OutboxAsync("提醒")).To.Mailboxes.Single().Address);
        Assert.Empty(await TickAtAsync(6, 25, 9, 6)); // the next tick: done already

        // The 3rd: June's draft, and the editors are told.
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "editor", CancellationToken.None);
        Assert.Equal(["draft 2016-06: draft of issue 1, 2 entries"], await TickAtAsync(7, 3, 9));
        Assert.Equal("editors@bulletin.example.org", Assert.Single(await OutboxAsync("草稿")).To.Mailboxes.Single().Address);
        Assert.Equal(IssueState.Draft, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);

        // The 5th: approved in the meantime, so it is sent; once.
        Assert.True(await Get<DigestWorkflow>().ApproveAsync(new Period(2016, 6), "editor", CancellationToken.None));
        Assert.Equal(["send 2016-06: sent: 1 delivered, 0 failed"], await TickAtAsync(7, 5, 9));
        Assert.Empty(await TickAtAsync(7, 5, 9, 11));
        Assert.Single(await OutboxAsync("第1期("));
        Assert.Equal(IssueState.Sent, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task AnIssueNotApproved_IsNotSent_OnTheFifth()
    {
        await ReportFromBaodingAsync();
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "editor", CancellationToken.None);
        await TickAtAsync(7, 3, 9);

        Assert.Equal(["send 2016-06: issue 1 not approved: not sent"], await TickAtAsync(7, 5, 9));
        Assert.Empty(await OutboxAsync("第1期("));
        Assert.Equal(IssueState.Draft, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task AnIssueToAListThatGrewALot_WaitsForAnEditor_OnTheFifth()
    {
        await ReportFromBaodingAsync();
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "editor", CancellationToken.None);
        await TickAtAsync(7, 3, 9);
        Assert.True(await Get<DigestWorkflow>().ApproveAsync(new Period(2016, 6), "editor", CancellationToken.None));
        var list = "email\n" + string.Concat(Enumerable.Range(0, 501).Select(i => $"r{i}@subscribers.example.org\n"));
        await Get<SubscriberImports>().ImportAsync(System.Text.Encoding.UTF8.GetBytes(list), "list.csv", "editor", CancellationToken.None);

        Assert.Equal(["send 2016-06: issue 1 not sent: the active subscribers grew from 0 to 502 since the last issue; an editor confirms the count on the bulletin page"], await TickAtAsync(7, 5, 9));
        Assert.Empty(await OutboxAsync("第1期("));
        Assert.Equal(IssueState.Approved, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task ASchedule_MissedWhileTheWorkerWasDown_RunsOnceWhenItReturns()
    {
        await DisposeAsync();
        autoSend = true;
        await StartAsync();
        await ReportFromBaodingAsync();
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "editor", CancellationToken.None);

        // Down from the 20th of June to the 8th of July: the 25th, the 3rd and the 5th all passed.
        var caughtUp = await TickAtAsync(7, 8, 14);
        Assert.Equal(["remind 2016-06: 1 reminders", "draft 2016-06: draft of issue 1, 2 entries", "send 2016-06: sent: 1 delivered, 0 failed"], caughtUp);

        // Two more ticks (and a second worker's) change nothing.
        Assert.Empty(await TickAtAsync(7, 8, 14, 6));
        Assert.Empty(await Schedule.RunDueAsync(CancellationToken.None));
        Assert.Single(await OutboxAsync("提醒"));
        Assert.Single(await OutboxAsync("第1期("));
        await using var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schedule_runs WHERE period = '2016-06'"));
    }

    [Fact]
    public async Task TwoTriggersOfTheSameSend_SendOnce()
    {
        await ReportFromBaodingAsync();
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "editor", CancellationToken.None);
        await Get<DigestWorkflow>().CompileAsync(new Period(2016, 6), "editor", CancellationToken.None);
        await Get<DigestWorkflow>().ApproveAsync(new Period(2016, 6), "editor", CancellationToken.None);

        var sender = Get<BulletinSender>();
        var both = await Task.WhenAll(sender.SendAsync("2016-06", "a", null, CancellationToken.None), sender.SendAsync("2016-06", "b", null, CancellationToken.None));

        Assert.Contains(both, r => r.Outcome == SendOutcome.Completed);
        Assert.Single(await OutboxAsync("第1期("));
        Assert.Equal(1, (await Get<DeliveryStore>().CountsAsync((await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.Id, CancellationToken.None)).Sent);
    }
}
