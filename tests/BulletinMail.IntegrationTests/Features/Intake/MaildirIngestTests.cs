using BulletinMail.Features.Intake;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Features.Units;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests.Features.Intake;

/// <summary>The embedded default mailbox, with a file for every class of bad input; each test has its own Maildir and database.</summary>
public sealed class MaildirIngestTests : IAsyncLifetime
{
    private const string Suzhou = "report@suzhou.example.org";
    private readonly string maildir = Path.Combine(Path.GetTempPath(), $"bm-maildir-{Guid.NewGuid():N}");
    private IntakeHarness harness = null!;

    private Task<string> DeliverAsync(MimeMessage message) => MaildirMailbox.DeliverAsync(maildir, ToBytes(message), CancellationToken.None);

    private Task<IReadOnlyList<MimeMessage>> SentAsync() => Outbox.ReadSentAsync(harness.Services, harness.DataDirectory);

    public async Task InitializeAsync()
    {
        harness = await IntakeHarness.ForMaildirAsync(maildir, ("Intake:AuthServId", "mx.bulletin.example.org"), ("Intake:MaxAcknowledgementsPerSenderPerDay", "3"));
        await harness.Services.GetRequiredService<UnitStore>().AddAsync("苏州市", null, [Suzhou], CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        Directory.Delete(maildir, recursive: true);
    }

    private Task<Submission> IngestOneAsync(string badFile) => IngestFileAsync("bad", badFile + ".eml");

    private async Task<Submission> IngestFileAsync(params string[] testDataPath)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine([AppContext.BaseDirectory, "TestData", .. testDataPath]));
        if (testDataPath[0] != "bad")
        {
            // Delivered through our MTA, which vouches for the sender (the bad mails say for themselves what it said).
            var from = InternetAddressList.Parse(HeaderList.Load(new MemoryStream(bytes))[HeaderId.From]!).Mailboxes.Single().Domain;
            bytes = [.. System.Text.Encoding.ASCII.GetBytes($"Authentication-Results: mx.bulletin.example.org; dmarc=pass header.from={from}\r\n"), .. bytes];
        }

        await MaildirMailbox.DeliverAsync(maildir, bytes, CancellationToken.None);
        await harness.Poller.PollAsync(null, CancellationToken.None);
        return (await harness.ListAsync())[^1];
    }

    [Theory]
    [InlineData("auto-reply", "ignored", "Auto-Submitted")]
    [InlineData("bounce", "ignored", "bounce")]
    [InlineData("list-mail", "ignored", "bulk")]
    [InlineData("not-mail", "quarantined", "not a readable mail message")]
    [InlineData("bad-base64", "held", "no dated entries")]
    [InlineData("untrusted", "held", "dkim=fail")]
    [InlineData("forged-display-name", "held", "unknown sender attacker@evil.example.net")]
    [InlineData("unaligned", "held", "confirmed evil.example.net, not the From domain suzhou.example.org")]
    [InlineData("unreadable-from", "held", "the sender's address cannot be read (From: ?")]
    [InlineData("several-senders", "held", "the From header names 2 senders")]
    public async Task Poll_GivesReadableReason_ForBadInput(string file, string status, string reason)
    {
        var submission = await IngestOneAsync(file);

        Assert.Equal(status, submission.Status);
        Assert.Contains(reason, submission.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(harness.Services.GetRequiredService<OriginalStore>().PathOf(submission.Sha256)), "the original is kept");
    }

    [Theory]
    [InlineData("truncated-mime", 2)]
    [InlineData("deep-nesting", 1)]
    [InlineData("no-message-id", 1)]
    [InlineData("forged-results", 1)]
    [InlineData("hostile-names", 4)]
    public async Task Poll_ParsesWhatCanBeRead_FromDamagedOrOddMail(string file, int entries)
    {
        var submission = await IngestOneAsync(file);

        Assert.Equal(SubmissionStatus.Parsed, submission.Status);
        Assert.Equal(entries, submission.EntryCount);
    }

    [Fact]
    public async Task Poll_DecodesGbk_WhenCharsetIsDeclaredWrongly()
    {
        await IngestOneAsync("wrong-charset");

        var entry = Assert.Single(await harness.Services.GetRequiredService<EntryStore>().ListAsync("2016-06", null, CancellationToken.None));
        Assert.Equal("朱镕基科技奖评审会召开", entry.Text);
    }

    [Fact]
    public async Task Poll_KeysByHash_WhenThereIsNoMessageId()
    {
        var submission = await IngestOneAsync("no-message-id");

        Assert.Equal($"sha256:{submission.Sha256}", submission.MessageKey);
    }

    [Fact]
    public async Task Poll_RecordsDuplicate_WhenSameMessageArrivesTwice()
    {
        await IngestOneAsync("wrong-charset");
        var second = await IngestOneAsync("wrong-charset");

        Assert.Equal(SubmissionStatus.Duplicate, second.Status);
        Assert.Single(await harness.Services.GetRequiredService<EntryStore>().ListAsync(null, null, CancellationToken.None));
    }

    [Fact]
    public async Task Poll_CleansHostileAttachmentNames()
    {
        var submission = await IngestOneAsync("hostile-names");

        var shown = await harness.Submissions.GetAsync(submission.Id, CancellationToken.None);
        Assert.Contains("\"name\":\"passwd\"", shown!.Attachments, StringComparison.Ordinal);
        Assert.DoesNotContain("..", shown.Attachments, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u202E", shown.Attachments, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Poll_QuarantinesAttachment_WhenItIsAZipBomb_AndKeepsTheBody()
    {
        var submission = await IngestFileAsync("eml", "zip-bomb-attachment.eml");

        Assert.Equal(SubmissionStatus.Parsed, submission.Status);
        Assert.Contains("zip bomb", submission.Warnings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_HoldsReport_WhenItsOnlyAttachmentIsLegacyDoc()
    {
        var submission = await IngestFileAsync("eml", "legacy-doc-attachment.eml");

        Assert.Equal(SubmissionStatus.Held, submission.Status);
        Assert.Contains("legacy Word .doc", submission.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_ReadsAMessageOverTheLimit_FromDisk_SkippingItsLargeAttachment()
    {
        var big = Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。");
        var multipart = new Multipart("mixed") { big.Body!, new MimePart("application", "octet-stream") { FileName = "big.bin", Content = new MimeContent(new MemoryStream(new byte[30 * 1024 * 1024])) } };
        big.Body = multipart;
        using var bytes = new MemoryStream();
        await big.WriteToAsync(bytes);
        await MaildirMailbox.DeliverAsync(maildir, bytes.ToArray(), CancellationToken.None);

        await harness.Poller.PollAsync(null, CancellationToken.None);

        // Its headers are read and shown, its text parsed, the attachment over the limit listed as not read.
        var submission = Assert.Single(await harness.ListAsync());
        Assert.Equal((SubmissionStatus.Parsed, Suzhou, "苏州市科协6月工作情况", big.MessageId, 1), (submission.Status, submission.FromAddress, submission.Subject, submission.MessageId, submission.EntryCount));
        Assert.Contains("over the 25 MB limit", submission.Warnings, StringComparison.Ordinal);
        Assert.Contains("\"big.bin\"", submission.Attachments, StringComparison.Ordinal);
        Assert.Contains("larger than 20 MB", submission.Attachments, StringComparison.Ordinal);
        Assert.Equal(bytes.Length, new FileInfo(harness.Services.GetRequiredService<OriginalStore>().PathOf(submission.Sha256)).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(maildir, "cur"), "*:2,S"));
    }

    [Fact]
    public async Task Poll_HoldsAReportFromAnUnknownSender_WithItsEntriesAsAPreview_OutOfTheQueue()
    {
        await DeliverAsync(Reports.Plain("stranger@example.net", "嘉兴市科协6月工作情况", "6月3日,召开理事会;6月5日,举办年会。"));
        await harness.Poller.PollAsync(null, CancellationToken.None);

        var held = Assert.Single(await harness.ListAsync(SubmissionStatus.Held));
        var entries = harness.Services.GetRequiredService<EntryStore>();
        Assert.Equal(["召开理事会", "举办年会"], (await entries.ListBySubmissionAsync(held.Id, CancellationToken.None)).Select(e => e.Text));
        Assert.Empty(await entries.ListAsync("2016-06", EntryStore.Pending, CancellationToken.None));

        // Released as 苏州市's: the preview becomes the entries in review, once.
        await harness.Services.GetRequiredService<SubmissionProcessor>().ResolveAsync(held.Id, new EditorDecision("苏州市", null, false, "editor"), CancellationToken.None);
        var pending = await entries.ListAsync("2016-06", EntryStore.Pending, CancellationToken.None);
        Assert.Equal(["召开理事会", "举办年会"], pending.Select(e => e.Text));
        Assert.Equal(2, (await entries.ListBySubmissionAsync(held.Id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Poll_HoldsReport_FromUnknownSender()
    {
        await MaildirMailbox.DeliverAsync(maildir, ToBytes(Reports.Plain("stranger@example.net", "6月工作情况", "6月3日,召开理事会。")), CancellationToken.None);
        await harness.Poller.PollAsync(null, CancellationToken.None);

        var submission = Assert.Single(await harness.ListAsync());
        Assert.Equal(SubmissionStatus.Held, submission.Status);
        Assert.Contains("unknown sender stranger@example.net", submission.Reason, StringComparison.Ordinal);
        Assert.Empty(await SentAsync());
    }

    [Fact]
    public async Task Poll_AcknowledgesRegisteredSender_AsAThreadedAutomaticReply()
    {
        var report = Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会;6月5日,举办年会。");
        await MaildirMailbox.DeliverAsync(maildir, ToBytes(report), CancellationToken.None);
        await harness.Poller.PollAsync(null, CancellationToken.None);

        var ack = Assert.Single(await SentAsync());
        Assert.Equal(report.MessageId, ack.InReplyTo);
        Assert.Contains(report.MessageId, ack.References);
        Assert.Equal("auto-replied", ack.Headers[HeaderId.AutoSubmitted]);
        Assert.Equal(Suzhou, ack.To.Mailboxes.Single().Address);
        Assert.Contains("6月3日 召开理事会", ack.TextBody, StringComparison.Ordinal);
        Assert.Contains("6月5日 举办年会", ack.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_SendsNoMoreAcknowledgements_ThanTheDailyLimit()
    {
        for (var i = 1; i <= 5; i++)
        {
            await MaildirMailbox.DeliverAsync(maildir, ToBytes(Reports.Plain(Suzhou, $"苏州市科协6月工作情况{i}", $"6月{i}日,召开理事会。")), CancellationToken.None);
        }

        await harness.Poller.PollAsync(null, CancellationToken.None);

        Assert.Equal(5, (await harness.ListAsync(SubmissionStatus.Parsed)).Count);
        Assert.Equal(3, (await SentAsync()).Count);
    }

    [Fact]
    public async Task Poll_SupersedesEarlierReport_WhenSenderRepliesToTheAcknowledgement()
    {
        await MaildirMailbox.DeliverAsync(maildir, ToBytes(Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。")), CancellationToken.None);
        await harness.Poller.PollAsync(null, CancellationToken.None);
        var ack = Assert.Single(await SentAsync());
        var correction = Reports.Plain(Suzhou, "Re: 苏州市科协6月工作情况", "6月3日,召开常务理事会;6月6日,举办年会。");
        correction.InReplyTo = ack.MessageId;
        await MaildirMailbox.DeliverAsync(maildir, ToBytes(correction), CancellationToken.None);

        await harness.Poller.PollAsync(null, CancellationToken.None);

        var submissions = await harness.ListAsync();
        Assert.Equal([SubmissionStatus.Superseded, SubmissionStatus.Parsed], submissions.Select(s => s.Status));
        Assert.Equal(submissions[1].Id, submissions[0].SupersededBy);
        var pending = await harness.Services.GetRequiredService<EntryStore>().ListAsync("2016-06", EntryStore.Pending, CancellationToken.None);
        Assert.Equal(["召开常务理事会", "举办年会"], pending.Select(e => e.Text));
    }

    [Fact]
    public async Task AReply_ReplacesOnlyTheReportItAnswers_ASupplementAdds_AndAnEditorCanUndo()
    {
        // Two reports of one sender for one month, each acknowledged.
        await DeliverAsync(Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会;6月4日,举办讲座。"));
        await harness.Poller.PollAsync(null, CancellationToken.None);
        await DeliverAsync(Reports.Plain(Suzhou, "苏州市科协6月工作情况(二)", "6月10日,召开学术年会;6月11日,开展科普日活动。"));
        await harness.Poller.PollAsync(null, CancellationToken.None);
        var acks = (await SentAsync()).OrderBy(m => m.Subject, StringComparer.Ordinal).ToList(); // "…情况" before "…情况(二)"
        var (first, second) = ((await harness.ListAsync())[0].Id, (await harness.ListAsync())[1].Id);

        // 回复 the second with 补充: its entry is added; nothing is replaced.
        var supplement = Reports.Plain(Suzhou, "回复:苏州市科协6月工作情况(二)", "补充:6月12日,召开青年科技工作者座谈会。");
        supplement.InReplyTo = acks[1].MessageId;
        await DeliverAsync(supplement);
        await harness.Poller.PollAsync(null, CancellationToken.None);
        Assert.All(await harness.ListAsync(), s => Assert.Equal(SubmissionStatus.Parsed, s.Status));

        // A corrected full report replying to the second replaces the second only, and says so.
        var correction = Reports.Plain(Suzhou, "Re: 苏州市科协6月工作情况(二)", "6月10日,召开第九届学术年会;6月11日,开展全国科普日活动。");
        correction.InReplyTo = acks[1].MessageId;
        await DeliverAsync(correction);
        await harness.Poller.PollAsync(null, CancellationToken.None);
        var all = await harness.ListAsync();
        Assert.Equal([SubmissionStatus.Parsed, SubmissionStatus.Superseded, SubmissionStatus.Parsed, SubmissionStatus.Parsed], all.Select(s => s.Status));
        Assert.Equal(all[3].Id, all[1].SupersededBy);
        Assert.Equal($"replaced by submission {all[3].Id}, a corrected report replying to it", all[1].Reason);

        // A "Re:" naming nothing of ours replaces nothing.
        await DeliverAsync(Reports.Plain(Suzhou, "Re: 苏州市科协6月工作情况", "6月3日,召开理事会;6月4日,举办专题讲座。"));
        await harness.Poller.PollAsync(null, CancellationToken.None);
        Assert.Equal(SubmissionStatus.Parsed, (await harness.Submissions.GetAsync(first, CancellationToken.None))!.Status);

        // The editor undoes the replacement: both stand, the earlier one's entries back in review.
        Assert.True(await harness.Submissions.RestoreSupersededAsync(second, "editor", CancellationToken.None));
        Assert.Equal(SubmissionStatus.Parsed, (await harness.Submissions.GetAsync(second, CancellationToken.None))!.Status);
        var pending = await harness.Services.GetRequiredService<EntryStore>().ListAsync("2016-06", EntryStore.Pending, CancellationToken.None);
        Assert.Contains(pending, e => e.Text == "召开学术年会");
        Assert.Contains(pending, e => e.Text == "召开第九届学术年会");
    }

    [Fact]
    public async Task AnUnsubscribeByMail_ThatOurMtaConfirmed_EndsTheSubscriptionAtOnce()
    {
        var subscribers = harness.Services.GetRequiredService<BulletinMail.Features.Subscribers.SubscriberStore>();
        await subscribers.AddAsync("reader@example.org", null, "test", "test", CancellationToken.None);

        await DeliverAsync(Reports.Plain("reader@example.org", "退订", string.Empty)); // with our MTA's dmarc=pass for example.org
        await harness.Poller.PollAsync(null, CancellationToken.None);

        Assert.Equal(BulletinMail.Features.Subscribers.SubscriberStatus.Unsubscribed, (await subscribers.FindAsync("reader@example.org", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Poll_FinishesSubmission_WhenACrashCameBetweenRecordAndProcess()
    {
        var report = Reports.Plain(Suzhou, "苏州市科协6月工作情况", "6月3日,召开理事会。");
        var original = await harness.Services.GetRequiredService<OriginalStore>().SaveAsync(new MemoryStream(ToBytes(report)), 0, CancellationToken.None);
        await harness.Submissions.RecordAsync(new NewSubmission(
            "maildir:elsewhere", null, null, "x", $"mid:{report.MessageId}", report.MessageId, original.Sha256, original.Size, Suzhou, report.Subject, null, DateTimeOffset.UtcNow), CancellationToken.None);

        var result = await harness.Poller.PollAsync(null, CancellationToken.None);

        Assert.Equal(1, result.Recovered);
        Assert.Equal(SubmissionStatus.Parsed, Assert.Single(await harness.ListAsync()).Status);
    }

    private static byte[] ToBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }
}
