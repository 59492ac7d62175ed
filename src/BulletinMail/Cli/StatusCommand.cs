using System.CommandLine;
using System.Globalization;
using BulletinMail.Features.Intake;
using BulletinMail.Mail;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <summary><c>status</c>: the health of intake, as <c>/healthz</c> reports it; exit 1 when unhealthy.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var format = OutputFormat.Create("text", "json");
        var command = new Command("status", "Last successful poll, oldest unprocessed message, quarantine and review backlog") { format };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var report = await services.GetRequiredService<IntakeHealth>().ReadAsync(cancellationToken);
            if (parseResult.GetRequiredValue(format) == "json")
            {
                await CliOutput.WriteJsonAsync(report, IntakeHealthJson.Readable.IntakeHealthReport, cancellationToken);
            }
            else
            {
                await CliOutput.WriteTextAsync(string.Create(CultureInfo.InvariantCulture, $"""
                    mailbox                {report.Mailbox}{(report.DiskFull is { } full ? $"\n{full}" : string.Empty)}
                    last successful poll   {report.LastSuccessfulPollAt?.ToString("u", CultureInfo.InvariantCulture) ?? "never"}
                    last error             {report.LastError ?? "-"}
                    oldest unprocessed     {(report.OldestUnprocessedAgeSeconds is { } age ? $"{age:0} s" : "-")}
                    quarantined            {report.Quarantined}
                    held                   {report.Held}
                    review backlog         {report.ReviewBacklog} entries
                    mail waiting           {OutgoingMailText(report.OutgoingMail)}
                    bulletin send paused   {report.SendPaused ?? "-"}
                    healthy                {(report.Healthy ? "yes" : "no")}

                    """), cancellationToken);
            }

            return report.Healthy ? 0 : 1;
        });
        return command;
    }

    /// <summary>The outgoing-mail queue in one line: how much waits, since when, and why.</summary>
    internal static string OutgoingMailText(OutgoingMailReport mail) =>
        string.Create(CultureInfo.InvariantCulture, $"{mail.Waiting}")
        + (mail.OldestWaitingAgeSeconds is { } age ? string.Create(CultureInfo.InvariantCulture, $", oldest {age:0} s") : string.Empty)
        + (mail.LastError is { } error ? $", last failure: {error}" : string.Empty)
        + (mail.Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({mail.Failed} given up)") : string.Empty);
}
