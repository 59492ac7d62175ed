using System.Threading.Channels;
using System.Threading.RateLimiting;
using BulletinMail.Features.Subscribers;
using BulletinMail.Mail;
using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Bulletins;

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

    /// <summary>
    /// The relay refused us rather than a recipient (<see cref="SendReport.Detail"/> has its words):
    /// sending stopped, and waits for an editor or operator to resume it.
    /// </summary>
    Paused,
}

public sealed record SendReport(SendOutcome Outcome, DeliveryCounts Counts, DateTimeOffset? NextRetry, string? Detail = null);

/// <summary>
/// Sends an issue to every active subscriber, once. The delivery rows are the truth: rows are
/// claimed in batches (in flight), each is marked sent the moment its relay accepts it, 4xx waits
/// and retries with backoff, a 5xx to RCPT TO fails and counts as that recipient's hard bounce.
/// A refusal of us (at connect, EHLO, AUTH, MAIL FROM or DATA), or the first deliveries of a run
/// all refused alike, pauses the send instead: no subscriber is blamed for the relay. One sender
/// holds an issue at a time (a lease kept alive by a heartbeat of its own); a sender that loses it
/// stops before its next message, and after a crash the next run takes over and sends again only
/// what was in flight. Safe to run twice, or on two workers: the issue's state and the lease gate it.
/// </summary>
public sealed partial class BulletinSender(
    IssueStore issues,
    DeliveryStore deliveries,
    SubscriberStore subscribers,
    BulletinMessages messages,
    IDeliveryTransport transport,
    IOptions<DigestOptions> options,
    IOptions<OutboundOptions> outbound,
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

        if (await deliveries.PausedAsync(issue.Id, cancellationToken) is { } paused)
        {
            return new SendReport(SendOutcome.Paused, await deliveries.CountsAsync(issue.Id, cancellationToken), null, paused);
        }

        // Each run is a sender of its own, even within one process: two runs at once (a Hangfire
        // job and the schedule's resume) must not both hold the lease.
        var senderId = LeaseHolderIdentity.New();
        var lease = await deliveries.TryLeaseAsync(issue.Id, senderId, options.Value.SenderTimeout, LeaseHolderIdentity.IsGone, cancellationToken);
        if (!lease.Taken)
        {
            var silent = time.GetUtcNow() - (lease.HolderSeenAt ?? time.GetUtcNow());
            return new SendReport(SendOutcome.Busy, await deliveries.CountsAsync(issue.Id, cancellationToken), null,
                $"{LeaseHolderIdentity.Describe(lease.Holder!)} is sending this issue (last heard from {silent.TotalSeconds:0} s ago)");
        }

        if (lease.Holder is { } previous && previous != senderId)
        {
            LogTookOver(issue.Number, LeaseHolderIdentity.Describe(previous));
        }

        using var run = new SendRun();
        try
        {
            await deliveries.EnqueueAsync(issue.Id, cancellationToken);
            using (var beating = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var heartbeat = HeartbeatAsync(issue.Id, senderId, run, beating.Token);
                try
                {
                    await SendDueAsync(issue, run, progress, cancellationToken);
                }
                finally
                {
                    await beating.CancelAsync();
                    await heartbeat;
                }
            }

            if (run.LeaseLost)
            {
                LogLeaseLost(issue.Number);
                return new SendReport(SendOutcome.Busy, await deliveries.CountsAsync(issue.Id, cancellationToken), null,
                    "another sender took this issue over; this one stopped before its next message");
            }

            if (run.PausedReason is { } reason)
            {
                await deliveries.ReturnUnsentAsync(issue.Id, senderId, CancellationToken.None);
                await deliveries.PauseAsync(issue.Id, reason, CancellationToken.None);
                LogPaused(issue.Number, reason);
                return new SendReport(SendOutcome.Paused, await deliveries.CountsAsync(issue.Id, cancellationToken), null, reason);
            }

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

    // The lease's heartbeat, independent of how fast the relay takes messages: a third of the
    // timeout apart, so a live sender is never taken for a dead one. A lost lease halts the run.
    private async Task HeartbeatAsync(long issueId, string senderId, SendRun run, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.SenderTimeout / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!await deliveries.RenewLeaseAsync(issueId, senderId, cancellationToken))
                {
                    run.LoseLease();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the run is over
        }
    }

    private async Task SendDueAsync(Issue issue, SendRun run, IProgress<DeliveryCounts>? progress, CancellationToken cancellationToken)
    {
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
            while (!run.Halted.IsCancellationRequested && await SendPassAsync(issue, run, channels, limiter, progress, cancellationToken) > 0)
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
    // crash can send again at most one message per connection. A halted run (paused, or its lease
    // lost) sends nothing more: what it claimed stays in flight for whoever sends next. Returns
    // how many were claimed.
    private async Task<int> SendPassAsync(
        Issue issue, SendRun run, System.Collections.Concurrent.ConcurrentBag<IDeliveryChannel> channels, RateLimiter? limiter, IProgress<DeliveryCounts>? progress, CancellationToken cancellationToken)
    {
        var due = Channel.CreateBounded<DeliveryTarget>(new BoundedChannelOptions(options.Value.BatchSize) { SingleWriter = true });
        var outcomes = Channel.CreateUnbounded<DeliveryResult>(new() { SingleReader = true });
        using var unrecorded = new SemaphoreSlim(transport.Concurrency);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = RecordOutcomesAsync(issue.Id, run, outcomes.Reader, unrecorded, stop);
        var claimer = ClaimAsync(issue, run, due.Writer, progress, stop.Token);
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
                    if (run.Halted.IsCancellationRequested || await DeliverAsync(issue, target, message, channel, run, ct) is not { } outcome)
                    {
                        unrecorded.Release(); // not sent: nothing to record
                        return;
                    }

                    await outcomes.Writer.WriteAsync(outcome, ct);
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

    // Claims due deliveries a batch at a time until none is due or the run halts; returns how
    // many. Never throws: a failure completes the queue with it, for the senders to see.
    private async Task<int> ClaimAsync(Issue issue, SendRun run, ChannelWriter<DeliveryTarget> due, IProgress<DeliveryCounts>? progress, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var claimed = 0;
        try
        {
            while (!run.Halted.IsCancellationRequested)
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

    // Commits whatever outcomes have accumulated, then lets as many more messages go out, and
    // counts the hard bounces among them. If the database fails, the pass stops: nothing more is
    // sent that could not be recorded. The run's first refusals are held back until they tell a
    // recipient's refusal from the relay's (FirstRefusals).
    private async Task RecordOutcomesAsync(long issueId, SendRun run, ChannelReader<DeliveryResult> outcomes, SemaphoreSlim unrecorded, CancellationTokenSource stop)
    {
        try
        {
            var pending = new List<DeliveryResult>();
            var toRecord = new List<DeliveryResult>();
            await using var recorder = await deliveries.OpenRecorderAsync(issueId, CancellationToken.None);
            while (await outcomes.WaitToReadAsync())
            {
                while (outcomes.TryRead(out var outcome))
                {
                    pending.Add(outcome);
                }

                foreach (var outcome in pending)
                {
                    toRecord.AddRange(run.FirstRefusals.Add(outcome));
                }

                if (run.FirstRefusals.AllAlike is { } words)
                {
                    // Held back, those rows stay in flight: they go back to pending with the pause.
                    run.Pause($"the first {FirstRefusals.Judged} deliveries were all refused alike, so the relay refuses us rather than them: {words}");
                }

                await RecordAsync(recorder, toRecord);
                unrecorded.Release(pending.Count);
                pending.Clear();
                toRecord.Clear();
            }

            if (run.PausedReason is null)
            {
                await RecordAsync(recorder, run.FirstRefusals.Release()); // a run too short to judge: its refusals are the recipients'
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    private async Task RecordAsync(DeliveryStore.OutcomeRecorder recorder, IReadOnlyList<DeliveryResult> results)
    {
        await recorder.RecordAsync(results, CancellationToken.None);
        foreach (var bounced in results.Where(r => r.Bounced))
        {
            await subscribers.RecordHardBounceAsync(bounced.SubscriberId, options.Value.HardBounceLimit, bounced.Error ?? string.Empty, CancellationToken.None);
        }
    }

    // The outcome of one message; null when the relay refused us (the run is paused, the message not sent).
    private async Task<DeliveryResult?> DeliverAsync(Issue issue, DeliveryTarget target, MimeKit.MimeMessage message, IDeliveryChannel channel, SendRun run, CancellationToken cancellationToken)
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
            LogPermanent(target.Email, ex.Message);
            return new DeliveryResult(target.SubscriberId, Sent: false, ex.Message, Bounced: true);
        }
        catch (RelayRefusedException ex)
        {
            run.Pause(ex.Message);
            return null;
        }
    }

    /// <summary>One run of a send: whether it must stop before its next message, and why.</summary>
    private sealed class SendRun : IDisposable
    {
        private readonly CancellationTokenSource halt = new();
        private string? pausedReason;
        private volatile bool leaseLost;

        public CancellationToken Halted => halt.Token;

        public string? PausedReason => Volatile.Read(ref pausedReason);

        public bool LeaseLost => leaseLost;

        public FirstRefusals FirstRefusals { get; } = new();

        /// <summary>The first reason given wins: the relay's first words are the telling ones.</summary>
        public void Pause(string reason)
        {
            Interlocked.CompareExchange(ref pausedReason, reason, null);
            halt.Cancel();
        }

        public void LoseLease()
        {
            leaseLost = true;
            halt.Cancel();
        }

        public void Dispose() => halt.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Issue {Number} sent: {Sent} delivered, {Failed} failed")]
    private partial void LogSent(int number, int sent, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Recipient} deferred ({Error}); next attempt {Next}")]
    private partial void LogTransient(string recipient, string error, DateTimeOffset? next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Recipient} failed for good: {Error}")]
    private partial void LogPermanent(string recipient, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending issue {Number} paused: {Reason}. Fix the cause, then resume it (digest send, or the digest page)")]
    private partial void LogPaused(int number, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending issue {Number}: another sender took the lease over; this one stopped")]
    private partial void LogLeaseLost(int number);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending issue {Number}: took over from {Previous}, silent or gone")]
    private partial void LogTookOver(int number, string previous);
}
