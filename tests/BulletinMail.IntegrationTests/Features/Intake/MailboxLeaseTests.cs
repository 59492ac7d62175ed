using BulletinMail.Data;
using BulletinMail.Features.Intake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>
/// The mailbox lease and the workers' heartbeats on a fake clock (on SQLite, and on PostgreSQL with
/// BULLETINMAIL_TEST_STORAGE=postgres): one holder at a time, taken over when it runs out.
/// </summary>
public sealed class MailboxLeaseTests : IAsyncLifetime
{
    private const string Mailbox = "imap:submit@127.0.0.1/INBOX";
    private const string WorkerA = "host-a:101:aaaa";
    private const string WorkerB = "host-b:202:bbbb";
    private readonly string maildir = Path.Combine(Path.GetTempPath(), $"bm-lease-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero));
    private IntakeHarness harness = null!;

    private MailboxLease Lease => harness.Services.GetRequiredService<MailboxLease>();

    public async Task InitializeAsync() => harness = await IntakeHarness.CreateAsync(
        new Dictionary<string, string?> { ["Mailbox:Kind"] = "maildir", ["Mailbox:Maildir:Path"] = maildir }, clock);

    [Fact]
    public async Task Lease_IsHeldByOneWorker_AndTakenOverOnlyAfterItRunsOut()
    {
        Assert.True(await Lease.TryTakeAsync(Mailbox, WorkerA, CancellationToken.None));
        Assert.False(await Lease.TryTakeAsync(Mailbox, WorkerB, CancellationToken.None));
        Assert.False(await Lease.IsAbandonedAsync(Mailbox, CancellationToken.None));

        // Renewed, it outlives its first term.
        clock.Advance(MailboxLease.Duration - TimeSpan.FromSeconds(5));
        Assert.True(await Lease.RenewAsync(Mailbox, WorkerA, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await Lease.TryTakeAsync(Mailbox, WorkerB, CancellationToken.None));

        // Not renewed (the holder was killed): abandoned once it runs out, then B's.
        clock.Advance(MailboxLease.Duration);
        Assert.True(await Lease.IsAbandonedAsync(Mailbox, CancellationToken.None));
        Assert.True(await Lease.TryTakeAsync(Mailbox, WorkerB, CancellationToken.None));
        Assert.False(await Lease.RenewAsync(Mailbox, WorkerA, CancellationToken.None)); // A, had it lived, stops
        Assert.Equal(WorkerB, (await Lease.ReadAsync(Mailbox, CancellationToken.None))!.Holder);

        // Released: free for anyone, not abandoned, and the last holder still named.
        await Lease.ReleaseAsync(Mailbox, WorkerA, CancellationToken.None); // not A's to release
        Assert.False(await Lease.TryTakeAsync(Mailbox, WorkerA, CancellationToken.None));
        await Lease.ReleaseAsync(Mailbox, WorkerB, CancellationToken.None);
        var released = await Lease.ReadAsync(Mailbox, CancellationToken.None);
        Assert.Equal((WorkerB, false), (released!.Holder, released.Polling(clock.GetUtcNow())));
        Assert.False(await Lease.IsAbandonedAsync(Mailbox, CancellationToken.None));
        Assert.True(await Lease.TryTakeAsync(Mailbox, WorkerA, CancellationToken.None));
    }

    [Fact]
    public async Task Lease_OfAKilledProcessOnThisHost_IsTakenAtOnce()
    {
        var dead = $"{Environment.MachineName}:{int.MaxValue}:dead"; // no such process
        Assert.True(await Lease.TryTakeAsync(Mailbox, dead, CancellationToken.None));
        Assert.True(await Lease.IsAbandonedAsync(Mailbox, CancellationToken.None));
        Assert.True(await Lease.TryTakeAsync(Mailbox, WorkerB, CancellationToken.None));
    }

    [Fact]
    public async Task Poller_LeavesTheMailbox_WhileAnotherWorkerHoldsIt()
    {
        Directory.CreateDirectory(maildir);
        var key = harness.Poller.MailboxKey;
        Assert.True(await Lease.TryTakeAsync(key, WorkerA, CancellationToken.None));
        var poller = harness.Services.GetRequiredService<SerialPoller>();
        Assert.Null(await poller.PollAsync(CancellationToken.None));

        clock.Advance(MailboxLease.Duration + TimeSpan.FromSeconds(1));
        Assert.NotNull(await poller.PollAsync(CancellationToken.None));
        var after = await Lease.ReadAsync(key, CancellationToken.None);
        Assert.Equal(harness.Services.GetRequiredService<WorkerRegistry>().Self, after!.Holder);
        Assert.Null(after.ExpiresAt); // released at the end of the poll
    }

    [Fact]
    public async Task Health_CountsTheWorkersAlive_AndNamesThePoller()
    {
        Directory.CreateDirectory(maildir);
        var connections = harness.Services.GetRequiredService<DbConnectionFactory>();
        var here = harness.Services.GetRequiredService<WorkerRegistry>();
        var other = new WorkerRegistry(connections, clock);
        await here.BeatAsync(CancellationToken.None);
        await other.BeatAsync(CancellationToken.None);
        Assert.True(await harness.Services.GetRequiredService<MailboxLease>().TryTakeAsync(harness.Poller.MailboxKey, other.Self, CancellationToken.None));

        var health = await harness.Services.GetRequiredService<IntakeHealth>().ReadAsync(CancellationToken.None);
        Assert.Equal(2, health.WorkersAlive);
        Assert.True(health.Poller!.Polling);
        Assert.StartsWith("process ", health.Poller.Worker, StringComparison.Ordinal);

        // The other falls silent: no longer counted; this one beats on.
        clock.Advance(WorkerRegistry.AliveWithin + TimeSpan.FromSeconds(1));
        await here.BeatAsync(CancellationToken.None);
        health = await harness.Services.GetRequiredService<IntakeHealth>().ReadAsync(CancellationToken.None);
        Assert.Equal(1, health.WorkersAlive);
        Assert.False(health.Poller!.Polling);
        Assert.True(IntakeHealthSummary.Of(health, clock.GetUtcNow()) is { WorkersAlive: 1, MailboxPolling: false });
    }

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        if (Directory.Exists(maildir))
        {
            Directory.Delete(maildir, recursive: true);
        }
    }
}
