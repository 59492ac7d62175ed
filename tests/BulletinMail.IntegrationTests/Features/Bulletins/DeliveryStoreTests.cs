using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Features.Bulletins;

/// <summary>The delivery rows against the outcomes that update them, in the real database.</summary>
public sealed class DeliveryStoreTests : IAsyncLifetime
{
    private IntakeHarness harness = null!;

    public async Task InitializeAsync() => harness = await IntakeHarness.CreateAsync(new Dictionary<string, string?> { ["Intake:Acknowledge"] = "false" });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private T Get<T>() where T : notnull => harness.Services.GetRequiredService<T>();

    private async Task<(DeliveryStore Deliveries, Issue Issue, DeliveryTarget Target)> OneClaimedDeliveryAsync()
    {
        var file = Path.Combine(harness.DataDirectory, "baoding.txt");
        await File.WriteAllTextAsync(file, "保定市:6月3日,召开科协全委会。");
        await Get<ReportImporter>().ImportAsync(file, new Period(2016, 6), "保定市", CancellationToken.None);
        await Get<EntryStore>().ApproveUnitAsync("2016-06", "保定市", "test", CancellationToken.None);
        var issue = await Get<DigestWorkflow>().CompileAsync(new Period(2016, 6), "test", CancellationToken.None);
        await Get<SubscriberStore>().AddAsync("reader@subscribers.example.org", null, "test", "test", CancellationToken.None);
        var deliveries = Get<DeliveryStore>();
        await deliveries.EnqueueAsync(issue.Id, CancellationToken.None);
        return (deliveries, issue, Assert.Single(await deliveries.ClaimAsync(issue.Id, 10, CancellationToken.None)));
    }

    [Fact]
    public async Task ARetry_RecordedAsDue_IsClaimedAgain()
    {
        // The recorder binds its own parameters and Dapper binds the claim's: the two must write
        // instants alike, or "due" compares text of two shapes (seen: retries never came due).
        var (deliveries, issue, target) = await OneClaimedDeliveryAsync();
        await using (var recorder = await deliveries.OpenRecorderAsync(issue.Id, CancellationToken.None))
        {
            await recorder.RecordAsync([new DeliveryResult(target.SubscriberId, Sent: false, "450 busy", DateTimeOffset.UtcNow.AddSeconds(-1))], CancellationToken.None);
        }

        var again = Assert.Single(await deliveries.ClaimAsync(issue.Id, 10, CancellationToken.None));
        Assert.Equal((target.SubscriberId, 2), (again.SubscriberId, again.Attempts));
    }

    [Fact]
    public async Task ABounce_ThatOvertakesTheSentRecord_Stands()
    {
        var (deliveries, issue, target) = await OneClaimedDeliveryAsync();

        // The relay accepted the message and bounced it at once: the DSN is processed before the
        // sender's group commit records "sent".
        Assert.True(await deliveries.MarkBouncedAsync(issue.Id, target.SubscriberId, "bounced: 5.1.1", CancellationToken.None));
        await using (var recorder = await deliveries.OpenRecorderAsync(issue.Id, CancellationToken.None))
        {
            await recorder.RecordAsync([new DeliveryResult(target.SubscriberId, Sent: true)], CancellationToken.None);
        }

        var counts = await deliveries.CountsAsync(issue.Id, CancellationToken.None);
        Assert.Equal((0, 1, 0), (counts.Sent, counts.Failed, counts.Pending));
    }
}
