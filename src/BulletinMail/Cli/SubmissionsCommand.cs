using System.CommandLine;
using System.Globalization;
using System.Text;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <summary><c>submissions list|show</c>: what arrived and what became of it.</summary>
internal static class SubmissionsCommand
{
    public static Command Create()
    {
        var period = new Option<string?>("--period") { Description = "only this period, YYYY-MM" };
        var status = new Option<string?>("--status") { Description = $"only this status: {string.Join(", ", SubmissionStatus.All)}" };
        status.AcceptOnlyFromAmong([.. SubmissionStatus.All]);
        var listFormat = OutputFormat.Create("text", "json");
        var list = new Command("list", "List submissions") { period, status, listFormat };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var rows = await services.GetRequiredService<SubmissionStore>().ListAsync(parseResult.GetValue(period), parseResult.GetValue(status), cancellationToken);
            if (parseResult.GetRequiredValue(listFormat) == "json")
            {
                await CliOutput.WriteJsonAsync<IReadOnlyList<SubmissionJson>>([.. rows.Select(r => ToJson(r))], CliJsonContext.Readable.IReadOnlyListSubmissionJson, cancellationToken);
                return 0;
            }

            var text = new StringBuilder();
            foreach (var r in rows)
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.Id,6}  {r.Status,-11} {r.Period ?? "-",-7}  {r.Unit ?? "-"}  {r.EntryCount} entries  {r.FromAddress}  {r.Subject}");
                text.Append(r.Reason is null ? "\n" : $"\n        {r.Reason}\n");
            }

            await CliOutput.WriteTextAsync(text.Length == 0 ? "no submissions\n" : text.ToString(), cancellationToken);
            return 0;
        });

        var id = new Argument<long>("ID") { Description = "the submission's id" };
        var showFormat = OutputFormat.Create("text", "json");
        var show = new Command("show", "Show one submission with its text, warnings and attachments") { id, showFormat };
        show.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var submission = await services.GetRequiredService<SubmissionStore>().GetAsync(parseResult.GetValue(id), cancellationToken)
                ?? throw new CliException($"no submission {parseResult.GetValue(id)}");
            var json = ToJson(submission, detail: true);
            if (parseResult.GetRequiredValue(showFormat) == "json")
            {
                await CliOutput.WriteJsonAsync(json, CliJsonContext.Readable.SubmissionJson, cancellationToken);
                return 0;
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"submission {json.Id}: {json.Status}{(json.Reason is null ? string.Empty : $" ({json.Reason})")}\n");
            text.Append(CultureInfo.InvariantCulture, $"from {json.From}, {json.ReceivedAt:yyyy-MM-dd HH:mm} UTC, subject {json.Subject}\nunit {json.Unit ?? "-"}, period {json.Period ?? "-"}, {json.EntryCount} entries\n");
            foreach (var a in json.Attachments ?? [])
            {
                text.Append(CultureInfo.InvariantCulture, $"attachment {a.Name} ({a.ContentType}, {a.Size} bytes): {a.Status}{(a.Reason is null ? string.Empty : $" - {a.Reason}")}\n");
            }

            foreach (var w in json.Warnings ?? [])
            {
                text.Append(CultureInfo.InvariantCulture, $"warning: {w}\n");
            }

            text.Append('\n').Append(json.Text).Append('\n');
            await CliOutput.WriteTextAsync(text.ToString(), cancellationToken);
            return 0;
        });

        return new Command("submissions", "What arrived in the mailbox and what became of it") { list, show };
    }

    private static SubmissionJson ToJson(Submission s, bool detail = false) => new(
        s.Id, s.MessageId, s.FromAddress, s.Subject, s.ReceivedAt, s.Status, s.Reason, s.Unit, s.Period, s.EntryCount,
        detail ? s.ExtractedText ?? string.Empty : null,
        detail ? CliOutput.FromJson(s.Warnings, CliJsonContext.Readable.IReadOnlyListString) : null,
        detail ? [.. CliOutput.FromJson(s.Attachments, CliJsonContext.Readable.IReadOnlyListExtractedAttachment).Select(a => new AttachmentJson(a.Name, a.ContentType, a.Size, a.Status, a.Reason))] : null);
}
