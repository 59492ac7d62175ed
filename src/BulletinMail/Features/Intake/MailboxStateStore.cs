using BulletinMail.Data;
using Dapper;

namespace BulletinMail.Features.Intake;

/// <summary>When each mailbox was last polled, last polled successfully, and the last error: what health reports.</summary>
public sealed class MailboxStateStore(DbConnectionFactory connections, TimeProvider time)
{
    private const string Upsert = """
        INSERT INTO mailbox_state (mailbox, uid_validity, last_poll_at, last_success_at, last_error)
        VALUES (@Mailbox, @UidValidity, @Now, CASE WHEN @Error IS NULL THEN @Now END, @Error)
        ON CONFLICT (mailbox) DO UPDATE SET
            uid_validity = COALESCE(excluded.uid_validity, mailbox_state.uid_validity),
            last_poll_at = excluded.last_poll_at,
            last_success_at = COALESCE(excluded.last_success_at, mailbox_state.last_success_at),
            last_error = excluded.last_error
        """;

    public async Task RecordPollAsync(string mailbox, long? uidValidity, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Upsert, new { Mailbox = mailbox, UidValidity = uidValidity, Now = time.GetUtcNow(), Error = error }, cancellationToken: cancellationToken));
    }
}
