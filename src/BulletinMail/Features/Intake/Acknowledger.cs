using System.Data.Common;
using System.Globalization;
using System.Text;
using BulletinMail.Data;
using BulletinMail.Features.Parsing;
using BulletinMail.Mail;
using Dapper;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Answers a registered sender with the entries read from their report and how to correct them.
/// One acknowledgement per submission (a ledger row keyed by submission), at most a configured
/// number per sender per day, and never to automatic mail (the caller checks RFC 3834 first).
/// The acknowledgement is queued with the submission's outcome and sent by the mail queue.
/// </summary>
public sealed class Acknowledger(
    DbConnectionFactory connections,
    IOptions<IntakeOptions> intake,
    IOptions<OutboundOptions> outbound)
{
    private const string Reserve = """
        INSERT INTO acknowledgements (submission_id, recipient, day, message_id, created_at)
        SELECT @SubmissionId, @Recipient, @Day, @MessageId, @Now
        WHERE (SELECT COUNT(*) FROM acknowledgements WHERE recipient = @Recipient AND day = @Day) < @Limit
        ON CONFLICT (submission_id) DO NOTHING
        """;

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

    /// <summary>
    /// Within the transaction that stores a parsed submission: records its acknowledgement and
    /// queues the mail, unless one was recorded already or the sender's day's limit is reached.
    /// </summary>
    /// <returns>Whether an acknowledgement was queued.</returns>
    public async Task<bool> QueueAsync(
        DbConnection connection, DbTransaction transaction, Submission submission, MimeMessage original, IReadOnlyList<ParsedEntry> entries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(entries);
        if (!intake.Value.Acknowledge || submission.FromAddress is not { Length: > 0 } recipient)
        {
            return false;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(intake.Value.TimeZone);
        var day = TimeZoneInfo.ConvertTime(now, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var domain = outbound.Value.From.Split('@').Last();
        var messageId = $"ack.{submission.Id}.{submission.Sha256[..16]}@{domain}";
        var reserved = await connection.ExecuteAsync(new CommandDefinition(Reserve, new
        {
            SubmissionId = submission.Id,
            Recipient = recipient.ToLowerInvariant(),
            Day = day,
            MessageId = messageId,
            Now = now,
            Limit = intake.Value.MaxAcknowledgementsPerSenderPerDay,
        }, transaction, cancellationToken: cancellationToken));
        if (reserved == 0)
        {
            return false; // acknowledged before, or the day's limit is reached
        }

        await OutgoingMail.EnqueueAsync(connection, transaction, Compose(submission, original, entries, messageId, now), "acknowledgement", now, cancellationToken);
        return true;
    }

    private MimeMessage Compose(Submission submission, MimeMessage original, IReadOnlyList<ParsedEntry> entries, string messageId, DateTimeOffset now)
    {
        var reply = new MimeMessage();
        reply.From.Add(MailboxAddress.Parse(outbound.Value.From));
        reply.To.Add(new MailboxAddress(original.From.Mailboxes.FirstOrDefault()?.Name, submission.FromAddress!));
        var subject = original.Subject ?? string.Empty;
        reply.Subject = subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}";
        reply.MessageId = messageId;
        reply.Date = now;

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
}
