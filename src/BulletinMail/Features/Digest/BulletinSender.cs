using System.Threading.Channels;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Digest;

/// <summary>How a send run ended.</summary>
public enum SendOutcome
{
    /// <summary>Every delivery is sent or failed: the issue is sent.</summary>
    Completed,

    /// <summary>Some deliveries wait to be retried later (4xx); run again after <see cref="SendReport.NextRetry"/>.</summary>
    RetriesPending,

    /// <summary>Another sender holds the issue (a second trigger of the same send): nothing done.</summary>
    Busy,

    /// <summary>The issue is not approved (and <c>AutoSend</c> is off), or there is none.</summary>
    NotReady,

    /// <summary>It was sent before: nothing to do.</summary>
    AlreadySent,
}

public sealed record SendReport(SendOutcome Outcome, DeliveryCounts Counts, DateTimeOffset? NextRetry, string? Detail = null);

/// <summary>
/// Sends an issue to every active subscriber, once. The delivery rows are the truth: rows are
/// claimed in batches (in flight), each is marked sent the moment its relay accepts it, 4xx waits
/// and retries with backoff, 5xx fails and counts as a hard bounce. One sender holds an issue at
/// a time (a lease it renews); after a crash the next run takes over and sends again only what
/// was in flight. Safe to run twice, or on two workers: the issue's state and the lease gate it.
/// </summary>
public sealed partial class BulletinSender(
    IssueStore issues,
    DeliveryStore deliveries,
    SubscriberStore subscribers,
    BulletinMessages messages,
    IDeliveryTransport transport,
    IOptions<DigestOptions> options,
    IOptions<Bulletins.OutboundOptions> outbound,
    TimeProvider time,
    ILogger<BulletinSender> logger)
{
    public async Task<SendReport> SendAsync(string period, string actor, IProgress<DeliveryCounts>? progress, CancellationToken cancellationToken)
    {
        var issue = await issues.GetAsync(period, cancellationToken);
        if (issue is null)
        {
            return new SendReport(SendOutcome.NotReady, new DeliveryCounts(0, 0, 0, 0), null, $"no issue has been compiled for {period}");
        }

        if (issue.State == IssueState.Sent)
        {
            return new SendReport(SendOutcome.AlreadySent, await deliveries.CountsAsync(issue.Id, cancellationToken), null);
        }

        // The state gates the send: approved (or a draft with AutoSend) becomes sending, once.
        if (issue.State == IssueState.Draft && options.Value.AutoSend)
        {
            await issues.TransitionAsync(period, IssueState.Draft, IssueState.Approved, "auto-send", cancellationToken);
        }

        await issues.TransitionAsync(period, IssueState.Approved, IssueState.Sending, actor, cancellationToken);
        issue = (await issues.GetAsync(period, cancellationToken))!;
        if (issue.State != IssueState.Sending)
        {
            return new SendReport(issue.State == IssueState.Sent ? SendOutcome.AlreadySent : SendOutcome.NotReady, await deliveries.CountsAsync(issue.Id, cancellationToken), null,
                issue.State == IssueState.Draft ? $"issue {issue.Number} is a draft: approve it first (digest approve --period {period})" : null);
        }

        // Each run is a sender of its own, even within one process: two runs at once (a Hangfire
        // job and the schedule's resume) must not both hold the lease.
        var senderId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        if (!await deliveries.TryLeaseAsync(issue.Id, senderId, options.Value.SenderTimeout, cancellationToken))
        {
            return new SendReport(SendOutcome.Busy, await deliveries.CountsAsync(issue.Id, cancellationToken), null, "another worker is sending this issue");
        }

        try
        {
            await deliveries.EnqueueAsync(issue.Id, cancellationToken);
            await SendDueAsync(issue, senderId, progress, cancellationToken);
            var counts = await deliveries.CountsAsync(issue.Id, cancellationToken);
            if (counts.Pending > 0)
            {
                return new SendReport(SendOutcome.RetriesPending, counts, await deliveries.NextRetryAsync(issue.Id, cancellationToken));
            }

            await issues.TransitionAsync(period, IssueState.Sending, IssueState.Sent, actor, cancellationToken);
            LogSent(issue.Number, counts.Sent, counts.Failed);
            return new SendReport(SendOutcome.Completed, counts, null);
        }
        finally
        {
            await deliveries.ReleaseLeaseAsync(issue.Id, senderId, CancellationToken.None);
        }
    }

    private async Task SendDueAsync(Issue issue, string senderId, IProgress<DeliveryCounts>? progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var perSecond = outbound.Value.Kind == "smtp" ? outbound.Value.Smtp.MaxPerSecond : 0;
        using var limiter = perSecond > 0
            ? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = int.MaxValue,
                AutoReplenishment = true,
            })
            : null;

        // A pool of reused connections: each worker takes one for the whole run. Passes repeat until
        // one finds nothing due: a 4xx whose retry is already due (a short RetryBase) goes in the next.
        var channels = new System.Collections.Concurrent.ConcurrentBag<IDeliveryChannel>();
        try
        {
            while (await SendPassAsync(issue, senderId, channels, limiter, progress, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            foreach (var channel in channels)
            {
                await channel.DisposeAsync();
            }
        }
    }

    // One pass over what is due. Claims run a batch ahead of the sending, so that no connection
    // waits for the database. Outcomes go to one writer that commits whatever has accumulated; a
    // connection sends its next message only once the outcome of its last is committed, so a
    // crash can send again at most one message per connection. Returns how many were claimed.
    private async Task<int> SendPassAsync(
        Issue issue, string senderId, System.Collections.Concurrent.ConcurrentBag<IDeliveryChannel> channels, RateLimiter? limiter, IProgress<DeliveryCounts>? progress, CancellationToken cancellationToken)
    {
        var due = Channel.CreateBounded<DeliveryTarget>(new BoundedChannelOptions(options.Value.BatchSize) { SingleWriter = true });
        var outcomes = Channel.CreateUnbounded<DeliveryResult>(new() { SingleReader = true });
        using var unrecorded = new SemaphoreSlim(transport.Concurrency);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = RecordOutcomesAsync(issue.Id, outcomes.Reader, unrecorded, stop);
        var claimer = ClaimAsync(issue, senderId, due.Writer, progress, stop.Token);
        try
        {
            await Parallel.ForEachAsync(due.Reader.ReadAllAsync(stop.Token), new ParallelOptions { MaxDegreeOfParallelism = transport.Concurrency, CancellationToken = stop.Token }, async (target, ct) =>
            {
                if (!channels.TryTake(out var channel))
                {
                    channel = await transport.OpenAsync(ct);
                }

                try
                {
                    if (limiter is not null)
                    {
                        using var lease = await limiter.AcquireAsync(1, ct);
                    }

                    // Built while the last outcome is being committed; sent once it is.
                    using var message = messages.Create(issue, target.SubscriberId, target.Email, target.Name);
                    await unrecorded.WaitAsync(ct);
                    await outcomes.Writer.WriteAsync(await DeliverAsync(issue, target, message, channel, ct), ct);
                }
                finally
                {
                    channels.Add(channel);
                }
            });
        }
        finally
        {
            await stop.CancelAsync(); // the claimer, when the senders stopped first
            await claimer;
            outcomes.Writer.Complete();
            await writer; // its failure, if it stopped the pass, is the one to report
        }

        return await claimer;
    }

    // Claims due deliveries a batch at a time, renewing the lease each time, until none is due or
    // the lease is lost; returns how many. Never throws: a failure completes the queue with it,
    // for the senders to see.
    private async Task<int> ClaimAsync(Issue issue, string senderId, ChannelWriter<DeliveryTarget> due, IProgress<DeliveryCounts>? progress, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var claimed = 0;
        try
        {
            while (await deliveries.RenewLeaseAsync(issue.Id, senderId, cancellationToken))
            {
                var batch = await deliveries.ClaimAsync(issue.Id, options.Value.BatchSize, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                claimed += batch.Count;

                foreach (var target in batch)
                {
                    await due.WriteAsync(target, cancellationToken);
                }

                progress?.Report(await deliveries.CountsAsync(issue.Id, cancellationToken));
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            due.TryComplete(failure);
        }

        return claimed;
    }

    // Commits whatever outcomes have accumulated, then lets as many more messages go out. If the
    // database fails, the pass stops: nothing more is sent that could not be recorded.
    private async Task RecordOutcomesAsync(long issueId, ChannelReader<DeliveryResult> outcomes, SemaphoreSlim unrecorded, CancellationTokenSource stop)
    {
        try
        {
            var pending = new List<DeliveryResult>();
            await using var recorder = await deliveries.OpenRecorderAsync(issueId, CancellationToken.None);
            while (await outcomes.WaitToReadAsync())
            {
                while (outcomes.TryRead(out var outcome))
                {
                    pending.Add(outcome);
                }

                await recorder.RecordAsync(pending, CancellationToken.None);
                unrecorded.Release(pending.Count);
                pending.Clear();
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    private async Task<DeliveryResult> DeliverAsync(Issue issue, DeliveryTarget target, MimeKit.MimeMessage message, IDeliveryChannel channel, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            await channel.SendAsync(message, messages.EnvelopeFrom(issue.Id, target.SubscriberId), new MimeKit.MailboxAddress(target.Name ?? string.Empty, target.Email), cancellationToken);
            return new DeliveryResult(target.SubscriberId, Sent: true);
        }
        catch (TransientDeliveryException ex)
        {
            DateTimeOffset? next = target.Attempts >= settings.MaxAttempts ? null : time.GetUtcNow() + (settings.RetryBase * Math.Pow(2, target.Attempts - 1));
            LogTransient(target.Email, ex.Message, next);
            return new DeliveryResult(target.SubscriberId, Sent: false, ex.Message, next);
        }
        catch (PermanentDeliveryException ex)
        {
            await subscribers.RecordHardBounceAsync(target.SubscriberId, settings.HardBounceLimit, ex.Message, CancellationToken.None);
            LogPermanent(target.Email, ex.Message);
            return new DeliveryResult(target.SubscriberId, Sent: false, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Issue {Number} sent: {Sent} delivered, {Failed} failed")]
    private partial void LogSent(int number, int sent, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Recipient} deferred ({Error}); next attempt {Next}")]
    private partial void LogTransient(string recipient, string error, DateTimeOffset? next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Recipient} failed for good: {Error}")]
    private partial void LogPermanent(string recipient, string error);
}
