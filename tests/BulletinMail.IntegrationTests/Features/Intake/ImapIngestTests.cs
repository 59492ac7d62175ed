using BulletinMail.Features.Intake;
using BulletinMail.Features.Review;
using BulletinMail.Features.Units;
using BulletinMail.IntegrationTests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>Ingestion from a real Dovecot: each test has its own folder and its own database.</summary>
public sealed class ImapIngestTests(DovecotServer dovecot) : IClassFixture<DovecotServer>
{
    private const string Suzhou = "report@suzhou.example.org";

    private async Task<(IntakeHarness Harness, string Folder)> NewHarnessAsync()
    {
        var folder = $"t{Guid.NewGuid():N}"[..12];
        using (var client = await dovecot.ConnectAsync())
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(folder, isMessageFolder: true);
        }

        var harness = await IntakeHarness.ForImapAsync(dovecot,
            ("Mailbox:Imap:Folder", folder), ("Mailbox:Imap:ProcessedFolder", folder + "-done"), ("Mailbox:Imap:QuarantineFolder", folder + "-bad"));
        await harness.Services.GetRequiredService<UnitStore>().AddAsync("苏州市", null, [Suzhou], CancellationToken.None);
        return (harness, folder);
    }

    [Fact]
    public async Task Poll_StoresEveryKindOfReport_AndMovesThemToProcessed()
    {
        var (harness, folder) = await NewHarnessAsync();
        await using var _ = harness;
        var utf8 = Reports.Plain(Suzhou, "苏州市科协6月工作情况", await File.ReadAllTextAsync(Path.Combine(IntakeHarness.Fixtures, "units", "11-苏州市.txt")));
        var gbk = Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,在张家港市举行群创成果推广活动;6月15日,朱镕基科技奖评审会召开。", "gb18030");
        var multiUnit = Reports.Plain(Suzhou, "6月工作情况汇总", "保定市:6月30日,保定市创客协会成立。\n四平市:6月22日,与中关村天合科技成果转化促进中心洽谈建立分中心事宜。");
        await dovecot.AppendAsync([utf8, gbk, multiUnit, Reports.Load("eml/big5.eml"), Reports.Load("eml/html-only.eml"), Reports.Load("eml/docx-attachment.eml"), Reports.Load("eml/forwarded.eml")], folder);

        var report = await harness.Poller.PollAsync(null, CancellationToken.None);

        Assert.Equal((7, 7, 0), (report.Waiting, report.Recorded, report.Duplicates));
        var submissions = await harness.ListAsync();
        Assert.Equal([4, 2, 2, 2, 2, 5, 2], submissions.Select(s => (int)s.EntryCount));
        Assert.Equal(SubmissionStatus.Held, submissions[^1].Status); // forwarded by an unregistered editor: its entries a preview
        var entries = await harness.Services.GetRequiredService<EntryStore>().ListAsync("2016-06", null, CancellationToken.None);
        Assert.Contains(entries, e => e.Text == "朱镕基科技奖评审会召开");
        Assert.Contains(entries, e => e.Unit == "四平市" && e.DateStart == new DateOnly(2016, 6, 22));
        Assert.Contains(entries, e => e.Text == "舉辦科技成果對接會");
        Assert.Equal(0, await dovecot.CountAsync(folder));
        Assert.Equal(7, await dovecot.CountAsync(folder + "-done"));
    }

    [Fact]
    public async Task TwoPollsAtOnce_StoreEachMessageOnce_AndNeitherFails()
    {
        var (harness, folder) = await NewHarnessAsync();
        await using var _ = harness;
        await dovecot.AppendAsync(Enumerable.Range(1, 30).Select(i => Reports.Plain(Suzhou, "苏州市科协6月工作情况", $"6月{i % 28 + 1}日,第{i}项活动。")), folder);

        // As when a second worker, or an IDLE trigger beside the schedule, polls the same folder.
        await Task.WhenAll(harness.Poller.PollAsync(null, CancellationToken.None), harness.Poller.PollAsync(null, CancellationToken.None));

        var submissions = await harness.ListAsync();
        Assert.Equal(30, submissions.Count(s => s.Status == BulletinMail.Features.Intake.SubmissionStatus.Parsed));
        Assert.DoesNotContain(submissions, s => s.Status == BulletinMail.Features.Intake.SubmissionStatus.Received);
        Assert.Equal(0, await dovecot.CountAsync(folder));

        // Two MOVEs of the same messages at once may leave a copy twice in the processed folder
        // (the server copies, then expunges); the submissions above are what count, and they are once.
        Assert.InRange(await dovecot.CountAsync(folder + "-done"), 30, 60);
    }

    [Fact]
    public async Task Poll_DoesNotDuplicate_WhenUidValidityChangesBeforeTheMove()
    {
        var (harness, folder) = await NewHarnessAsync();
        await using var _ = harness;
        await dovecot.AppendAsync([Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。"), Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月5日,举办年会。")], folder);
        var crashing = Poller(harness, new FaultyMailbox(harness.Services.GetRequiredService<IMailboxSource>()) { FailCompletion = true });
        await Assert.ThrowsAsync<IOException>(() => crashing.PollAsync(null, CancellationToken.None));

        Assert.Equal(2, (await harness.ListAsync()).Count); // both committed; the "crash" came before the move
        Assert.Equal(2, await dovecot.CountAsync(folder));

        await ChangeUidValidityAsync(folder);
        var report = await harness.Poller.PollAsync(null, CancellationToken.None);

        Assert.Equal((2, 0, 0), (report.Waiting, report.Recorded, report.Duplicates)); // re-keyed, not recorded again
        var submissions = await harness.ListAsync();
        Assert.Equal(2, submissions.Count);
        Assert.All(submissions, s => Assert.Equal(SubmissionStatus.Parsed, s.Status));
        Assert.Equal(0, await dovecot.CountAsync(folder));
    }

    [Fact]
    public async Task Poll_SurvivesServerRestart_InTheMiddleOfAPoll()
    {
        var (harness, folder) = await NewHarnessAsync();
        await using var _ = harness;
        await dovecot.AppendAsync(Enumerable.Range(1, 10).Select(i => Reports.Plain(Suzhou, "苏州市科协6月工作情况", $"6月{i}日,召开第{i}次会议。")), folder);
        var restarting = Poller(harness, new FaultyMailbox(harness.Services.GetRequiredService<IMailboxSource>())
        {
            BeforeDownload = n => n == 5 ? dovecot.RestartAsync() : Task.CompletedTask,
        });

        var failure = await Record.ExceptionAsync(() => restarting.PollAsync(null, CancellationToken.None));
        Assert.True(failure is not null && IngestPoller.IsMailboxFailure(failure), $"expected a mailbox failure, got {failure}");
        var health = await harness.Services.GetRequiredService<IntakeHealth>().ReadAsync(CancellationToken.None);
        Assert.NotNull(health.LastError);

        await harness.Poller.PollAsync(null, CancellationToken.None);

        var submissions = await harness.ListAsync();
        Assert.Equal(10, submissions.Count);
        Assert.All(submissions, s => Assert.Equal(SubmissionStatus.Parsed, s.Status));
        Assert.Equal(10, submissions.Select(s => s.MessageId).Distinct().Count());
        Assert.Equal(0, await dovecot.CountAsync(folder));
    }

    [Fact]
    public async Task IdleListener_ReportsNewMail_WithinFiveSeconds()
    {
        var folder = $"idle{Guid.NewGuid():N}"[..12];
        using (var client = await dovecot.ConnectAsync())
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(folder, isMessageFolder: true);
        }

        var settings = dovecot.Settings;
        settings.Folder = folder;
        var listener = new ImapIdleListener(Options.Create(new MailboxOptions { Kind = "imap", Imap = settings }), NullLogger<ImapIdleListener>.Instance, TimeProvider.System);
        var connected = new TaskCompletionSource();
        var newMail = new TaskCompletionSource();
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var listening = listener.ListenAsync(_ =>
        {
            (Interlocked.Increment(ref calls) == 1 ? connected : newMail).TrySetResult();
            return Task.CompletedTask;
        }, stop.Token);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(500); // IDLE is issued right after the first callback

        var appended = TimeProvider.System.GetTimestamp();
        await dovecot.AppendAsync([Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。")], folder);
        var finished = await Task.WhenAny(newMail.Task, Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.True(finished == newMail.Task, $"no new-mail callback within 5 s (waited {TimeProvider.System.GetElapsedTime(appended).TotalSeconds:0.0} s)");
        await stop.CancelAsync();
        await listening;
    }

    private static IngestPoller Poller(IntakeHarness harness, IMailboxSource mailbox) => new(
        harness.Services.GetRequiredService<Data.DbConnectionFactory>(),
        mailbox,
        harness.Services.GetRequiredService<SubmissionStore>(),
        harness.Services.GetRequiredService<OriginalStore>(),
        harness.Services.GetRequiredService<SubmissionProcessor>(),
        harness.Services.GetRequiredService<MailboxStateStore>(),
        harness.Services.GetRequiredService<IOptions<BulletinMail.Features.Extraction.ExtractionOptions>>(),
        TimeProvider.System,
        NullLogger<IngestPoller>.Instance);

    private async Task ChangeUidValidityAsync(string folder)
    {
        using var client = await dovecot.ConnectAsync();
        var target = await client.GetFolderAsync(folder);
        await target.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var next = target.UidValidity + 1000;
        await client.DisconnectAsync(true);
        await RunDoveadmAsync("mailbox", "update", "-u", DovecotServer.User, "--uid-validity", next.ToString(System.Globalization.CultureInfo.InvariantCulture), folder);
    }

    private Task RunDoveadmAsync(params string[] args) => dovecot.DoveadmAsync(args);
}
