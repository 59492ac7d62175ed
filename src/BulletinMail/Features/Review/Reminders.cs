using System.Globalization;
using System.Text.Json;
using BulletinMail.Data;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;
using BulletinMail.Mail;
using Dapper;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace BulletinMail.Features.Review;

/// <summary>
/// Reminds a unit that its report for a period has not arrived; each reminder is recorded, and its
/// mail queued in the same transaction (sent by <see cref="OutgoingMail"/>, retried while the relay is down).
/// </summary>
public sealed class Reminders(DbConnectionFactory connections, OutgoingMail outgoing, IOptions<OutboundOptions> outbound, TimeProvider time)
{
    /// <summary>Records the reminder (audited) and queues the mail to the unit's sender addresses.</summary>
    /// <exception cref="InvalidOperationException">The unit has no sender address to remind.</exception>
    public async Task SendAsync(UnitDefinition unit, Period period, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Senders.Count == 0)
        {
            throw new InvalidOperationException($"{unit.Name} has no sender address to remind; add one in the registry");
        }

        await RecordAsync(unit, period, Compose(unit, period), actor, scheduled: false, cancellationToken);
    }

    /// <summary>
    /// The schedule's reminder: at most one per unit and period, ever (a unique key reserves it, and
    /// its mail is queued in the same transaction).
    /// </summary>
    /// <returns>False when this unit was already reminded of this period by the schedule, or has no address.</returns>
    public async Task<bool> SendScheduledAsync(UnitDefinition unit, Period period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Senders.Count == 0)
        {
            return false;
        }

        return await RecordAsync(unit, period, Compose(unit, period), "schedule", scheduled: true, cancellationToken) is not null;
    }

    /// <summary>When the unit was last reminded, of any period; null when never.</summary>
    public async Task<DateTimeOffset?> LastSentAsync(string unit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Unit, DateTimeOffset At)>(new CommandDefinition(
            "SELECT unit, MAX(sent_at) FROM reminders WHERE unit = @unit GROUP BY unit", new { unit }, cancellationToken: cancellationToken));
        return rows.Select(r => (DateTimeOffset?)r.At).FirstOrDefault();
    }

    private MimeMessage Compose(UnitDefinition unit, Period period)
    {

        var domain = outbound.Value.From.Split('@').Last();
        var message = new MimeMessage
        {
            MessageId = MimeUtils.GenerateMessageId(domain),
            Date = time.GetUtcNow(),
            Subject = string.Create(CultureInfo.InvariantCulture, $"提醒:请报送{period.Year}年{period.Month}月工作进展 / Reminder: your {period} progress report"),
            Body = new TextPart("plain")
            {
                Text = string.Create(CultureInfo.InvariantCulture, $"""
                    {unit.Name}:

                    我们尚未收到贵单位{period.Year}年{period.Month}月的工作进展。请回复本邮件,或把报告发到 {outbound.Value.From}。

                    We have not yet received the {period} progress report of {unit.Name}. Please reply to this message, or mail the report to {outbound.Value.From}.

                    -- 
                    BulletinMail
                    """),
            },
        };
        message.From.Add(MailboxAddress.Parse(outbound.Value.From));
        foreach (var sender in unit.Senders)
        {
            message.To.Add(MailboxAddress.Parse(sender));
        }

        return message;
    }

    private async Task<long?> RecordAsync(UnitDefinition unit, Period period, MimeMessage message, string actor, bool scheduled, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO reminders (unit, period, recipients, message_id, sent_by, sent_at, scheduled)
            VALUES (@unit, @period, @recipients, @messageId, @actor, @now, @scheduled)
            ON CONFLICT DO NOTHING RETURNING id
            """,
            new { unit = unit.Name, period = period.ToString(), recipients = JsonSerializer.Serialize(unit.Senders), messageId = message.MessageId, actor, now, scheduled = scheduled ? 1 : 0 },
            transaction,
            cancellationToken: cancellationToken));
        if (id is not null)
        {
            await AuditLog.RecordAsync(connection, transaction, actor, "unit.remind", "reminder", id, null, new { Unit = unit.Name, Period = period.ToString(), To = unit.Senders }, now, cancellationToken);
            await OutgoingMail.EnqueueAsync(connection, transaction, message, "reminder", now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        outgoing.Wake();
        return id;
    }
}
