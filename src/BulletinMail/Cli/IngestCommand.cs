using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BulletinMail.Features.Intake;
using BulletinMail.Mail;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <summary><c>ingest --once [--maildir DIR]</c>: polls the mailbox once, processes what it finds, exits.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "poll once and exit (the worker polls continuously: use run)", Required = true };
        var maildir = new Option<string?>("--maildir") { Description = "poll this Maildir instead of the configured mailbox" };
        var format = OutputFormat.Create("text", "json");
        var command = new Command("ingest", "Poll the mailbox once and process what arrived") { once, maildir, format };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var overrides = parseResult.GetValue(maildir) is { } dir
                ? new Dictionary<string, string?> { ["Mailbox:Kind"] = "maildir", ["Mailbox:Maildir:Path"] = Path.GetFullPath(dir) }
                : null;
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken, overrides);
            var poller = services.GetRequiredService<SerialPoller>(); // under the mailbox's lease, as a worker polls
            var clock = Stopwatch.StartNew();
            var onTerminal = !Console.IsErrorRedirected;
            var progress = new Progress<IngestProgress>(p =>
            {
                var rate = p.Done / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                if (onTerminal)
                {
                    Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{p.Done}/{p.Waiting} messages, {p.Bytes / 1048576.0:0.0} MB, {rate:0.0} msg/s   "));
                }
                else if (p.Done % 100 == 0 || p.Done == p.Waiting)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest: {p.Done}/{p.Waiting} messages, {rate:0.0} msg/s"));
                }
            });

            IngestReport report;
            try
            {
                report = await poller.PollAsync(progress, cancellationToken)
                    ?? throw new CliException($"another worker is polling {poller.MailboxKey} now; it takes in what is waiting");
            }
            catch (Exception ex) when (IngestPoller.IsMailboxFailure(ex))
            {
                throw new CliException($"cannot poll {poller.MailboxKey}: {ex.Message}", ex);
            }

            if (onTerminal)
            {
                Console.Error.WriteLine();
            }

            // The mail the poll queued goes now; a relay that is down delays it (the worker, or the
            // next ingest, retries) and does not fail the poll, whose reports are safely stored.
            var outgoing = services.GetRequiredService<OutgoingMail>();
            var mailSent = await outgoing.DeliverDueAsync(cancellationToken);
            var mail = await outgoing.ReadAsync(cancellationToken);
            var json = new IngestJson(
                poller.MailboxKey, report.Waiting, report.Recorded, report.Processed, report.Duplicates, report.Quarantined, report.Recovered,
                mailSent, mail.Waiting, mail.Waiting > 0 ? mail.LastError : null);
            if (parseResult.GetRequiredValue(format) == "json")
            {
                await CliOutput.WriteJsonAsync(json, CliJsonContext.Readable.IngestJson, cancellationToken);
            }
            else
            {
                await CliOutput.WriteTextAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{json.Mailbox}: {json.Waiting} waiting, {json.Recorded} recorded, {json.Duplicates} duplicates, {json.Quarantined} quarantined, {json.Recovered} recovered, in {clock.Elapsed.TotalSeconds:0.0} s\n"), cancellationToken);
                if (mail.Waiting > 0)
                {
                    await Console.Error.WriteLineAsync($"mail waiting for the relay: {StatusCommand.OutgoingMailText(mail)}");
                }
            }

            return 0;
        });
        return command;
    }
}
