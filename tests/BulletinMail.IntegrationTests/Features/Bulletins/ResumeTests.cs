using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.IntegrationTests.Web;
using BulletinMail.Platform;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.IntegrationTests.Features.Bulletins;

/// <summary>A send whose worker died is resumed by the schedule's tick, through Hangfire, not after Hangfire's 30-minute invisibility timeout.</summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private WebHarness web = null!;

    public async Task InitializeAsync() => web = await WebHarness.StartAsync(new Dictionary<string, string?> { ["Intake:Acknowledge"] = "false" });

    public async Task DisposeAsync() => await web.DisposeAsync();

    private T Get<T>() where T : notnull => web.Services.GetRequiredService<T>();

    [Fact]
    public async Task ASendLeftByADeadSender_IsResumedByTheTick()
    {
        await web.ImportBulletinAsync();
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        var readers = Enumerable.Range(1, 3).Select(i => $"reader{i}@example.org").ToList();
        foreach (var reader in readers)
        {
            await Get<SubscriberStore>().AddAsync(reader, null, "test", "test", CancellationToken.None);
        }

        var workflow = Get<DigestWorkflow>();
        await workflow.CompileAsync(new Period(2016, 6), "test", CancellationToken.None);
        await workflow.ApproveAsync(new Period(2016, 6), "test", CancellationToken.None);

        // What a sender that died at once leaves behind: the issue sending, its lease, every delivery pending.
        var issues = Get<IssueStore>();
        var deliveries = Get<DeliveryStore>();
        Assert.True(await issues.TransitionAsync("2016-06", IssueState.Approved, IssueState.Sending, "test", CancellationToken.None));
        var issue = (await issues.GetAsync("2016-06", CancellationToken.None))!;
        Assert.True((await deliveries.TryLeaseAsync(issue.Id, "dead-worker", TimeSpan.FromSeconds(30), LeaseHolderIdentity.IsGone, CancellationToken.None)).Taken);
        await deliveries.EnqueueAsync(issue.Id, CancellationToken.None);

        // While the lease is fresh, a resume gives way to its holder.
        Assert.Equal(SendOutcome.Busy, (await Get<BulletinSender>().SendAsync("2016-06", "test", null, CancellationToken.None)).Outcome);

        // The holder was last seen longer ago than Digest:SenderTimeout (30 s).
        await using (var connection = await Get<DbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE issues SET sender_seen_at = @seen WHERE id = @id", new { seen = DateTimeOffset.UtcNow.AddMinutes(-1), id = issue.Id });
        }

        await Get<DigestJobs>().TickAsync(CancellationToken.None);
        await web.WaitUntilSentAsync("2016-06"); // the resume is a Hangfire job
        var sent = Outbox.Read(web.DataDirectory);
        Assert.Equal(readers.Order(), sent.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.Equal(new DeliveryCounts(3, 0, 0, 0), await deliveries.CountsAsync(issue.Id, CancellationToken.None));
    }
}
