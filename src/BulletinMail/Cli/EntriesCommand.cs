using System.CommandLine;
using System.Globalization;
using System.Text;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <summary><c>entries list|import|approve|reject</c>: the entries and their review from the shell.</summary>
internal static class EntriesCommand
{
    public static Command Create() => new("entries", "Dated activity entries and their review")
    {
        List(),
        Import(),
        SetStatus("approve", EntryStore.Approved, allowPeriod: true),
        SetStatus("reject", EntryStore.Rejected, allowPeriod: false),
    };

    private static Command List()
    {
        var period = new Option<string?>("--period") { Description = "only this period, YYYY-MM" };
        var status = new Option<string?>("--status") { Description = "only this status: pending, approved, rejected, superseded" };
        var format = OutputFormat.Create("text", "json");
        var command = new Command("list", "List entries") { period, status, format };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var entries = await services.GetRequiredService<EntryStore>().ListAsync(PeriodOption(parseResult, period), parseResult.GetValue(status), cancellationToken);
            if (parseResult.GetRequiredValue(format) == "json")
            {
                await CliOutput.WriteJsonAsync<IReadOnlyList<StoredEntryJson>>([.. entries.Select(ToJson)], CliJsonContext.Readable.IReadOnlyListStoredEntryJson, cancellationToken);
                return 0;
            }

            var text = new StringBuilder();
            foreach (var e in entries)
            {
                var date = e.DatePrecision switch
                {
                    "day" => $"{e.DateStart:yyyy-MM-dd}",
                    "range" => $"{e.DateStart:yyyy-MM-dd}..{e.DateEnd:yyyy-MM-dd}",
                    _ => e.DateText ?? "undated",
                };
                text.Append(CultureInfo.InvariantCulture, $"{e.Id,6}  {e.Status,-9} {date,-22} {e.Unit ?? "-"} | {e.Text}\n");
            }

            await CliOutput.WriteTextAsync(text.Length == 0 ? "no entries\n" : text.ToString(), cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("FILE") { Description = "the report or past bulletin: .txt, .eml, .html, .docx or .pdf" };
        var period = new Option<string?>("--period") { Description = "the period, YYYY-MM", Required = true };
        var unit = new Option<string?>("--unit") { Description = "the unit, where the text does not name it" };
        var command = new Command("import", "Parse a file and store its entries as pending") { file, period, unit };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var p = PeriodOption(parseResult, period)!;
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var (id, count, again) = await services.GetRequiredService<ReportImporter>()
                .ImportAsync(parseResult.GetRequiredValue(file), Period.Parse(p), parseResult.GetValue(unit), cancellationToken);
            await CliOutput.WriteTextAsync(again
                ? $"already imported as submission {id} ({count} entries); nothing changed\n"
                : $"imported as submission {id}: {count} entries pending review\n", cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command SetStatus(string verb, string status, bool allowPeriod)
    {
        var ids = new Argument<long[]>("ID") { Description = "entry ids", Arity = allowPeriod ? ArgumentArity.ZeroOrMore : ArgumentArity.OneOrMore };
        var command = new Command(verb, allowPeriod ? "Approve entries by id, or every pending entry of a period (--period P --all)" : "Reject entries by id") { ids };
        var period = new Option<string?>("--period") { Description = "with --all: the period" };
        var all = new Option<bool>("--all") { Description = "every pending entry of the period" };
        if (allowPeriod)
        {
            command.Options.Add(period);
            command.Options.Add(all);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var chosen = parseResult.GetValue(ids) ?? [];
            var wholePeriod = allowPeriod && parseResult.GetValue(all);
            var p = allowPeriod ? PeriodOption(parseResult, period) : null;
            if (wholePeriod == (chosen.Length > 0) || (wholePeriod && p is null))
            {
                throw new CliException("give entry ids, or --period YYYY-MM --all");
            }

            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var changed = await services.GetRequiredService<EntryStore>().SetStatusAsync(chosen, p, status, CliContext.Actor, cancellationToken);
            await CliOutput.WriteTextAsync($"{changed} entries {status}\n", cancellationToken);
            return 0;
        });
        return command;
    }

    private static string? PeriodOption(ParseResult parseResult, Option<string?> option) =>
        parseResult.GetValue(option) is { } text
            ? Period.TryParse(text, out var period) ? period.ToString() : throw new CliException($"--period '{text}' is not YYYY-MM")
            : null;

    private static StoredEntryJson ToJson(StoredEntry e) => new(
        e.Id, e.Period, e.Status, e.SubmissionId, e.Unit, e.Section,
        new DateOutput(e.DateStart, e.DateEnd, e.DatePrecision, e.DateText), e.Text, e.Confidence,
        CliOutput.FromJson(e.Warnings, CliJsonContext.Readable.IReadOnlyListString), e.Headline);
}
