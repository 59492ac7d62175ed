using System.Globalization;
using System.Text;
using System.Text.Json;
using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.IntegrationTests.Servers;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BulletinMail.IntegrationTests.Features.Bulletins;

/// <summary>Sending through Postfix's smtp-sink: dropped connections, 4xx and 5xx, and a sender killed mid-run.</summary>
public sealed class SinkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bm-sink-{Guid.NewGuid():N}")).FullName;
    private readonly int port = FreePort.Next();
    private IntakeHarness harness = null!;

    public async Task InitializeAsync() => harness = await IntakeHarness.CreateAsync(Settings.ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value));

    // The same settings for the harness and for the child processes (as BULLETINMAIL_ variables).
    private Dictionary<string, string> Settings => new()
    {
        ["Outbound__Kind"] = "smtp",
        ["Digest__PublicUrl"] = "https://bulletin.example.org",
        ["Outbound__From"] = "bulletin@bulletin.example.org",
        ["Outbound__Smtp__Host"] = "127.0.0.1",
        ["Outbound__Smtp__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Outbound__Smtp__Security"] = "None",
        ["Outbound__Smtp__Concurrency"] = "4",
        ["Outbound__Smtp__MessageTimeout"] = "00:00:03",
        ["Digest__MaxAttempts"] = "5",
        ["Digest__RetryBase"] = "00:00:01",
        ["Digest__HardBounceLimit"] = "3",
        ["Digest__SenderTimeout"] = "00:00:02",
        ["Digest__BatchSize"] = "50",
    };

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private T Get<T>() where T : notnull => harness.Services.GetRequiredService<T>();

    [Fact]
    public async Task ARelayThatDoesNotAnswer_IsGivenUp_AndRetriedLater()
    {
        await AddSubscribersAsync(3);
        await ApprovedIssueAsync(new Period(2016, 6));

        // The sink waits 30 s before answering DATA: each message is given up after MessageTimeout (3 s).
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "silent"), port, "-w", "30");
        var report = await Get<BulletinSender>().SendAsync("2016-06", "test", null, CancellationToken.None);

        Assert.Equal((SendOutcome.RetriesPending, 0, 3), (report.Outcome, report.Counts.Sent, report.Counts.Retry));
        await using var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        var errors = await connection.QueryAsync<string>("SELECT last_error FROM deliveries");
        Assert.All(errors, e => Assert.StartsWith("no answer from the relay within 3 s", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DroppedConnectionsAnd4xx_AreRetried_Until_Sent()
    {
        var subscribers = await AddSubscribersAsync(20);
        await ApprovedIssueAsync(new Period(2016, 6));
        var sender = Get<BulletinSender>();

        await using (await SmtpSink.StartAsync(Path.Combine(root, "drop"), port, "-q", "."))
        {
            var dropped = await sender.SendAsync("2016-06", "test", null, CancellationToken.None);
            Assert.Equal((SendOutcome.RetriesPending, 0, 20), (dropped.Outcome, dropped.Counts.Sent, dropped.Counts.Retry));
        }

        await using (await SmtpSink.StartAsync(Path.Combine(root, "busy"), port, "-r", "RCPT"))
        {
            await Task.Delay(TimeSpan.FromSeconds(1.2)); // the first retry's wait
            var deferred = await sender.SendAsync("2016-06", "test", null, CancellationToken.None);
            Assert.Equal((SendOutcome.RetriesPending, 0, 20), (deferred.Outcome, deferred.Counts.Sent, deferred.Counts.Retry));
        }

        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "ok"), port);
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // the second retry's wait, twice the first
        var report = await sender.SendAsync("2016-06", "test", null, CancellationToken.None);
        Assert.Equal((SendOutcome.Completed, 20, 0), (report.Outcome, report.Counts.Sent, report.Counts.Failed));
        Assert.Equal(subscribers.Order(StringComparer.Ordinal), sink.Recipients().Order(StringComparer.Ordinal));
        Assert.Equal(IssueState.Sent, (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!.State);
        Assert.All(await AttemptsAsync(), a => Assert.Equal(3, a));
    }

    [Fact]
    public async Task TwoSendsAtOnce_InOneProcess_OneSends_TheOtherGivesWay()
    {
        var subscribers = await AddSubscribersAsync(300);
        await ApprovedIssueAsync(new Period(2016, 6));
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "twice"), port);

        // As a Hangfire job and the schedule's resume may run side by side in one worker.
        var sender = Get<BulletinSender>();
        var reports = await Task.WhenAll(
            Task.Run(() => sender.SendAsync("2016-06", "first", null, CancellationToken.None)),
            Task.Run(() => sender.SendAsync("2016-06", "second", null, CancellationToken.None)));

        Assert.Single(reports, r => r.Outcome == SendOutcome.Completed);
        Assert.Single(reports, r => r.Outcome is SendOutcome.Busy or SendOutcome.AlreadySent);
        Assert.Equal(subscribers.Order(StringComparer.Ordinal), sink.Recipients().Order(StringComparer.Ordinal));
        Assert.All(await AttemptsAsync(), a => Assert.Equal(1, a));
    }

    [Fact]
    public async Task A5xx_FailsTheDelivery_AndCountsAHardBounce()
    {
        await AddSubscribersAsync(5);
        await ApprovedIssueAsync(new Period(2016, 6));
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "refuse"), port, "-f", "RCPT");

        var report = await Get<BulletinSender>().SendAsync("2016-06", "test", null, CancellationToken.None);

        Assert.Equal((SendOutcome.Completed, 0, 5), (report.Outcome, report.Counts.Sent, report.Counts.Failed));
        Assert.All(await Get<SubscriberStore>().ListAsync(null, CancellationToken.None), s => Assert.Equal((1L, SubscriberStatus.Active), (s.HardBounces, s.Status)));
        Assert.All(await AttemptsAsync(), a => Assert.Equal(1, a)); // a 5xx is not retried
    }

    [Fact]
    public async Task DigestSend_KilledFiveTimes_ReachesEverySubscriber_WithAtMostTheInFlightTwice()
    {
        const int count = 2000;
        const int kills = 5;
        var subscribers = await AddSubscribersAsync(count);
        await ApprovedIssueAsync(new Period(2016, 6));
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "crash"), port);
        var random = new Random(2016);

        for (var kill = 0; kill < kills; kill++)
        {
            var before = await SentAsync();
            var target = before + random.Next(50, 300);
            using var process = CliProcess.Start(harness.DataDirectory, Throttled(), "digest", "send", "--period", "2016-06");
            while (!process.HasExited && await SentAsync() < target)
            {
                await Task.Delay(2);
            }

            if (process.HasExited)
            {
                Assert.Fail($"digest send finished before kill {kill + 1}: {await process.StandardError.ReadToEndAsync()}");
            }

            process.Kill(); // SIGKILL
            await process.WaitForExitAsync();

            // No wait for the dead sender's lease to run out: its process is gone, on this host.
        }

        using (var last = CliProcess.Start(harness.DataDirectory, Environment(), "digest", "send", "--period", "2016-06"))
        {
            Assert.True(await CliProcess.WaitAsync(last, TimeSpan.FromMinutes(3)), "the resumed send did not finish");
            Assert.True(last.ExitCode == 0, await last.StandardError.ReadToEndAsync());
        }

        using var status = CliProcess.Start(harness.DataDirectory, Environment(), "digest", "status", "--period", "2016-06", "--format", "json");
        using var json = JsonDocument.Parse(await status.StandardOutput.ReadToEndAsync());
        Assert.Equal(("sent", count, 0, 0), (json.RootElement.GetProperty("state").GetString(), json.RootElement.GetProperty("sent").GetInt32(),
            json.RootElement.GetProperty("failed").GetInt32(), json.RootElement.GetProperty("pending").GetInt32()));

        var received = sink.Recipients();
        Assert.Empty(subscribers.Except(received, StringComparer.Ordinal)); // nobody missed
        var duplicates = received.Count - count;
        output.WriteLine($"{count} subscribers, {kills} kills: {received.Count} messages received, {duplicates} duplicates");
        Assert.True(duplicates <= kills * 4, $"{duplicates} duplicates after {kills} kills with 4 connections in flight");
    }

    [Fact]
    public async Task ARelayThatRefusesOurSender_PausesTheSend_ChargingNoBounce_UntilResumed()
    {
        var subscribers = await AddSubscribersAsync(20);
        await ApprovedIssueAsync(new Period(2016, 6));

        // 550 at MAIL FROM, three sends in a row: each pauses with the relay's words and exits non-zero.
        await using (await SmtpSink.StartAsync(Path.Combine(root, "refuse-sender"), port, "-f", "MAIL"))
        {
            for (var run = 0; run < 3; run++)
            {
                var (exit, _, stderr) = await CliProcess.RunAsync(harness.DataDirectory, Environment(), "digest", "send", "--period", "2016-06");
                Assert.Equal(1, exit);
                Assert.Contains("sending paused: the relay answered 5", stderr, StringComparison.Ordinal);
                Assert.Contains("(at MAIL FROM)", stderr, StringComparison.Ordinal);
            }
        }

        var status = await CliProcess.RunAsync(harness.DataDirectory, Environment(), "digest", "status", "--period", "2016-06", "--format", "json");
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            Assert.Equal(("sending", 0, 0, 20), (json.RootElement.GetProperty("state").GetString(), json.RootElement.GetProperty("sent").GetInt32(),
                json.RootElement.GetProperty("failed").GetInt32(), json.RootElement.GetProperty("pending").GetInt32()));
            Assert.StartsWith("the relay answered 5", json.RootElement.GetProperty("paused").GetString(), StringComparison.Ordinal);
        }

        Assert.All(await Get<SubscriberStore>().ListAsync(null, CancellationToken.None), s => Assert.Equal((0L, SubscriberStatus.Active), (s.HardBounces, s.Status)));

        // The schedule's resume does not resume a paused send; an operator's digest send does.
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "ok"), port);
        Assert.Equal(SendOutcome.Paused, (await Get<BulletinSender>().SendAsync("2016-06", "resume", null, CancellationToken.None)).Outcome);
        var resumed = await CliProcess.RunAsync(harness.DataDirectory, Environment(), "digest", "send", "--period", "2016-06");
        Assert.True(resumed.Exit == 0, resumed.Stderr);
        Assert.Contains("resuming the send paused because the relay answered 5", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(subscribers.Order(StringComparer.Ordinal), sink.Recipients().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryRecipientRefusedAlike_PausesTheSend_ChargingNoBounce()
    {
        await AddSubscribersAsync(30);
        await ApprovedIssueAsync(new Period(2016, 6));
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "refuse-all"), port, "-f", "RCPT");

        var report = await Get<BulletinSender>().SendAsync("2016-06", "test", null, CancellationToken.None);

        Assert.Equal((SendOutcome.Paused, 0, 0, 30), (report.Outcome, report.Counts.Sent, report.Counts.Failed, report.Counts.Pending));
        Assert.StartsWith($"the first {FirstRefusals.Judged} deliveries were all refused alike", report.Detail, StringComparison.Ordinal);
        Assert.All(await Get<SubscriberStore>().ListAsync(null, CancellationToken.None), s => Assert.Equal((0L, SubscriberStatus.Active), (s.HardBounces, s.Status)));
    }

    [Fact]
    public async Task ASlowRelay_KeepsTheLeaseAlive_SoNoSubscriberGetsTwo()
    {
        // 5 messages a second: one batch of 30 takes 6 s, three times the lease's 2 s timeout.
        await harness.DisposeAsync();
        harness = await IntakeHarness.CreateAsync(Settings.Append(new("Outbound__Smtp__MaxPerSecond", "5"))
            .ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value));
        var subscribers = await AddSubscribersAsync(30);
        await ApprovedIssueAsync(new Period(2016, 6));
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "slow"), port);

        var sender = Get<BulletinSender>();
        var first = Task.Run(() => sender.SendAsync("2016-06", "first", null, CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(3)); // what the schedule's resume tick does meanwhile
        var second = await sender.SendAsync("2016-06", "resume", null, CancellationToken.None);

        Assert.Equal(SendOutcome.Busy, second.Outcome);
        Assert.Equal(SendOutcome.Completed, (await first).Outcome);
        Assert.Equal(subscribers.Order(StringComparer.Ordinal), sink.Recipients().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ALiveSendersLease_IsWaitedFor_OrRefusedWithNoWait_ADeadOnesTakenAtOnce()
    {
        await AddSubscribersAsync(5);
        await ApprovedIssueAsync(new Period(2016, 6));
        await using var sink = await SmtpSink.StartAsync(Path.Combine(root, "lease"), port);
        var issue = (await Get<IssueStore>().GetAsync("2016-06", CancellationToken.None))!;
        Assert.True(await Get<IssueStore>().TransitionAsync("2016-06", IssueState.Approved, IssueState.Sending, "test", CancellationToken.None));

        // A lease that goes stale only after a minute: what happens below is not staleness.
        var patient = new Dictionary<string, string>(Environment()) { ["BULLETINMAIL_Digest__SenderTimeout"] = "00:01:00" };

        // A sender on another host, heard from just now: --no-wait exits 2 saying who holds it.
        await HoldLeaseAsync(issue.Id, "otherhost:4242:run");
        var refused = await CliProcess.RunAsync(harness.DataDirectory, patient, "digest", "send", "--period", "2016-06", "--no-wait");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("process 4242 on otherhost is sending this issue", refused.Stderr, StringComparison.Ordinal);
        Assert.Empty(sink.Recipients());

        // A killed sender of this host, heard from just now: taken over at once.
        using (var gone = System.Diagnostics.Process.Start("true")!)
        {
            await gone.WaitForExitAsync();
            await HoldLeaseAsync(issue.Id, $"{System.Environment.MachineName}:{gone.Id}:run");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var resumed = await CliProcess.RunAsync(harness.DataDirectory, patient, "digest", "send", "--period", "2016-06", "--no-wait");
        Assert.True(resumed.Exit == 0, resumed.Stderr);
        Assert.Equal(5, sink.Recipients().Count);
        output.WriteLine($"took over a dead sender's lease and sent in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task HoldLeaseAsync(long issueId, string holder)
    {
        await using var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("UPDATE issues SET sender = @holder, sender_seen_at = @now WHERE id = @issueId", new { holder, now = DateTimeOffset.UtcNow, issueId });
    }

    private Dictionary<string, string> Environment() => Settings.ToDictionary(kv => $"BULLETINMAIL_{kv.Key}", kv => kv.Value)
        .Concat(harness.StorageEnvironment).ToDictionary();

    // Unthrottled, a sender finishes 2,000 messages in about a second: on a busy machine, before
    // the test has looked at the count again. At 400 a second there is time to kill it mid-run.
    private Dictionary<string, string> Throttled() => new(Environment()) { ["BULLETINMAIL_Outbound__Smtp__MaxPerSecond"] = "400" };

    private async Task<List<string>> AddSubscribersAsync(int count)
    {
        var csv = new StringBuilder("email,name\n");
        var addresses = Enumerable.Range(1, count).Select(i => $"reader{i:0000}@sink.example.org").ToList();
        foreach (var address in addresses)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{address},读者{address[6..10]}\n");
        }

        var result = await Get<SubscriberImports>().ImportAsync(Encoding.UTF8.GetBytes(csv.ToString()), "test.csv", "test", CancellationToken.None);
        Assert.Equal(count, result.Added);
        return addresses;
    }

    private async Task ApprovedIssueAsync(Period period)
    {
        await Get<ReportImporter>().ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), period, null, CancellationToken.None);
        await Get<EntryStore>().SetStatusAsync([], period.ToString(), EntryStore.Approved, "test", CancellationToken.None);
        await Get<DigestWorkflow>().CompileAsync(period, "test", CancellationToken.None);
        Assert.True(await Get<DigestWorkflow>().ApproveAsync(period, "test", CancellationToken.None));
    }

    private async Task<int> SentAsync()
    {
        await using var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'");
    }

    private async Task<IReadOnlyList<int>> AttemptsAsync()
    {
        await using var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return [.. await connection.QueryAsync<int>("SELECT attempts FROM deliveries")];
    }
}
