using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <summary><c>parse FILE [--period YYYY-MM] [--unit NAME] [--format json|text]</c>: prints a report's entries; touches no database.</summary>
internal static class ParseCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "the report: .txt, .eml, .html or .docx" };
        var period = new Option<string?>("--period") { Description = "the month reported on, YYYY-MM (default: from the subject or the dates)" };
        var unit = new Option<string?>("--unit") { Description = "the reporting unit, where the text does not name it" };
        var format = OutputFormat.Create("text", "json");
        var command = new Command("parse", "Parse one report and print its dated entries (no database)") { file, period, unit, format };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliContext.Configuration(parseResult);
            await using var services = CliContext.Services(configuration);
            var requestedPeriod = parseResult.GetValue(period) is { } text
                ? Period.TryParse(text, out var p) ? p : throw new CliException($"--period '{text}' is not YYYY-MM")
                : (Period?)null;

            var document = await services.GetRequiredService<DocumentExtractor>()
                .ExtractFileAsync(parseResult.GetRequiredValue(file), cancellationToken);
            var result = services.GetRequiredService<ReportReader>().Read(document, requestedPeriod, parseResult.GetValue(unit))
                ?? throw new CliException("cannot tell which month the report is for; pass --period YYYY-MM");

            foreach (var warning in document.Warnings ?? [])
            {
                await Console.Error.WriteLineAsync($"warning: {warning}");
            }

            await WriteAsync(result, parseResult.GetRequiredValue(format), cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task WriteAsync(ParsedReport result, string format, CancellationToken cancellationToken)
    {
        using var stdout = Console.OpenStandardOutput();
        if (format == "json")
        {
            await JsonSerializer.SerializeAsync(stdout, ParseOutput.From(result), EntryJsonContext.Readable.ParseOutput, cancellationToken);
            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"period {result.Period}: {result.Entries.Count} entries\n");
        foreach (var entry in result.Entries)
        {
            var date = entry.Date switch
            {
                { Precision: DatePrecision.Day } d => $"{d.Start:yyyy-MM-dd}",
                { Precision: DatePrecision.Range } d => $"{d.Start:yyyy-MM-dd}..{d.End:yyyy-MM-dd}",
                { Precision: DatePrecision.Approximate } d => d.Text ?? "recently",
                _ => "undated",
            };
            text.Append(CultureInfo.InvariantCulture, $"{date,-22} {entry.Unit ?? "-"} | {entry.Text}");
            if (entry.Warnings.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"  [{string.Join("; ", entry.Warnings)}]");
            }

            text.Append('\n');
        }

        await stdout.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
    }
}
