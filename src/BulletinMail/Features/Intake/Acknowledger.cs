using System.Globalization;
using System.Text;
using BulletinMail.Data;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using Dapper;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Answers a registered sender with the entries read from their report and how to correct them.
/// One acknowledgement per submission (a ledger row keyed by submission), at most a configured
/// number per sender per day, and never to automatic mail (the caller checks RFC 3834 first).
/// </summary>
public sealed partial class Acknowledger(
    DbConnectionFactory connections,
    IOutboundMailer mailer,
    IOptions<IntakeOptions> intake,
    IOptions<OutboundOptions> outbound,
    TimeProvider time,
    ILogger<Acknowledger> logger)
{
    private const string Reserve = """
        INSERT INTO acknowledgements (submission_id, recipient, day, message_id, created_at)
        SELECT @SubmissionId, @Recipient, @Day, @MessageId, @Now
        WHERE (SELECT COUNT(*) FROM acknowledgements WHERE recipient = @Recipient AND day = @Day) < @Limit
        ON CONFLICT (submission_id) DO NOTHING
        """;

    private const string Pending = "SELECT message_id FROM acknowledgements WHERE submission_id = @SubmissionId AND sent_at IS NULL";

    private const string MarkSent = "UPDATE acknowledgements SET sent_at = @Now WHERE submission_id = @SubmissionId";

    /// <summary>The submission an acknowledgement with this Message-ID answered: a reply to it is a correction.</summary>
    public async Task<long?> FindAcknowledgedAsync(string? inReplyTo, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(inReplyTo))
        {
            return null;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT submission_id FROM acknowledgements WHERE message_id = @id", new { id = inReplyTo.Trim('<', '>', ' ') }, cancellationToken: cancellationToken));
    }

    /// <summary>Sends the acknowledgement of a parsed submission, unless it was sent already or the day's limit is reached.</summary>
    public async Task AcknowledgeAsync(Submission submission, MimeMessage original, IReadOnlyList<ParsedEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(entries);
        if (!intake.Value.Acknowledge || submission.FromAddress is not { Length: > 0 } recipient)
        {
            return;
        }

        var now = time.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(intake.Value.TimeZone);
        var day = TimeZoneInfo.ConvertTime(now, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var domain = outbound.Value.From.Split('@').Last();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Reserve, new
        {
            SubmissionId = submission.Id,
            Recipient = recipient.ToLowerInvariant(),
            Day = day,
            MessageId = $"ack.{submission.Id}.{submission.Sha256[..16]}@{domain}",
            Now = now,
            Limit = intake.Value.MaxAcknowledgementsPerSenderPerDay,
        }, cancellationToken: cancellationToken));

        var messageId = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(Pending, new { SubmissionId = submission.Id }, cancellationToken: cancellationToken));
        if (messageId is null)
        {
            LogNotSent(submission.Id, recipient);
            return;
        }

        await mailer.SendAsync(Compose(submission, original, entries, messageId), cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MarkSent, new { SubmissionId = submission.Id, Now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private MimeMessage Compose(Submission submission, MimeMessage original, IReadOnlyList<ParsedEntry> entries, string messageId)
    {
        var reply = new MimeMessage();
        reply.From.Add(MailboxAddress.Parse(outbound.Value.From));
        reply.To.Add(new MailboxAddress(original.From.Mailboxes.FirstOrDefault()?.Name, submission.FromAddress!));
        var subject = original.Subject ?? string.Empty;
        reply.Subject = subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}";
        reply.MessageId = messageId;
        reply.Date = time.GetUtcNow();

        // RFC 3834: mark the reply automatic, and thread it under the report.
        reply.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
        if (original.MessageId is { } id)
        {
            reply.InReplyTo = id;
            foreach (var reference in original.References)
            {
                reply.References.Add(reference);
            }

            reply.References.Add(id);
        }

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"您好,\n\n我们收到了{submission.Unit} {submission.Period} 的工作情况,读出以下 {entries.Count} 条动态:\n\n");
        var n = 0;
        foreach (var entry in entries)
        {
            body.Append(CultureInfo.InvariantCulture, $"{++n}. {entry.Date.Text ?? "(无日期)"} {entry.Text}\n");
        }

        body.Append("\n如有错误或遗漏,请直接回复本邮件,附上更正后的完整内容;更正稿将替换本次报送。\n\n");
        body.Append(CultureInfo.InvariantCulture, $"We received the {submission.Period} report of {submission.Unit} and read the {entries.Count} entries above. ");
        body.Append("To correct them, reply to this message with the full corrected text; the reply replaces this report.\n\n-- \nBulletinMail\n");
        reply.Body = new TextPart("plain") { Text = body.ToString() };
        return reply;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No acknowledgement for submission {SubmissionId} to {Recipient}: sent before, or the day's limit is reached")]
    private partial void LogNotSent(long submissionId, string recipient);
}
