using System.CommandLine;
using System.Globalization;
using System.Text;
using BulletinMail.Features.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

public sealed record SubscriberJson(string Email, string? Name, string Status, string Source, long HardBounces, DateTimeOffset CreatedAt);

/// <summary><c>subscribers import FILE.csv | add EMAIL | remove EMAIL | list</c>.</summary>
internal static class SubscribersCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a CSV file whose header names the columns: email (or 邮箱, 电子邮件, 邮件地址) and name (or 姓名, 名称)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print what the import would do, and change nothing" };
        var import = new Command("import", "Import subscribers from CSV (people who unsubscribed stay unsubscribed; names are updated)") { file, dryRun };
        import.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                throw new CliException($"{path} does not exist");
            }

            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var imports = services.GetRequiredService<SubscriberImports>();
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            try
            {
                if (parseResult.GetValue(dryRun))
                {
                    await CliOutput.WriteTextAsync(Describe(path, await imports.PreviewAsync(SubscriberCsv.Read(bytes), cancellationToken)) + "dry run: nothing was changed\n", cancellationToken);
                    return 0;
                }

                var done = await imports.ImportAsync(bytes, path, CliContext.Actor, cancellationToken);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{done.Added} added, {done.Reactivated} reactivated, {done.Renamed} renamed, {done.Unchanged} already there, {done.KeptUnsubscribed} kept unsubscribed, {done.Invalid} skipped"));
                return 0;
            }
            catch (InvalidDataException ex)
            {
                throw new CliException($"{path}: {ex.Message}", ex);
            }
        });

        var email = new Argument<string>("EMAIL");
        var name = new Option<string?>("--name") { Description = "the subscriber's name" };
        var add = new Command("add", "Add a subscriber (active at once), or reactivate one") { email, name };
        add.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            try
            {
                var subscriber = await services.GetRequiredService<SubscriberStore>().AddAsync(parseResult.GetRequiredValue(email), parseResult.GetValue(name), "cli", CliContext.Actor, cancellationToken);
                await Console.Error.WriteLineAsync($"{subscriber.Email}: {subscriber.Status}");
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message.Split(" (Parameter")[0], ex);
            }

            return 0;
        });

        var removed = new Argument<string>("EMAIL");
        var remove = new Command("remove", "Unsubscribe a subscriber (kept, marked unsubscribed)") { removed };
        remove.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var address = parseResult.GetRequiredValue(removed);
            var store = services.GetRequiredService<SubscriberStore>();
            if (await store.FindAsync(address, cancellationToken) is null)
            {
                throw new CliException($"{address} is not a subscriber");
            }

            await store.RemoveAsync(address, CliContext.Actor, cancellationToken);
            await Console.Error.WriteLineAsync($"{SubscriberStore.Normalize(address)}: unsubscribed");
            return 0;
        });

        var format = OutputFormat.Create("text", "json");
        var status = new Option<string?>("--status") { Description = "only pending, active, unsubscribed or suspended" };
        var list = new Command("list", "List subscribers") { format, status };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var subscribers = (await services.GetRequiredService<SubscriberStore>().ListAsync(parseResult.GetValue(status), cancellationToken))
                .Select(s => new SubscriberJson(s.Email, s.Name, s.Status, s.Source, s.HardBounces, s.CreatedAt)).ToList();
            if (parseResult.GetRequiredValue(format) == "json")
            {
                await CliOutput.WriteJsonAsync<IReadOnlyList<SubscriberJson>>(subscribers, CliJsonContext.Readable.IReadOnlyListSubscriberJson, cancellationToken);
                return 0;
            }

            var text = new StringBuilder();
            foreach (var s in subscribers)
            {
                text.Append(CultureInfo.InvariantCulture, $"{s.Email}\t{s.Name ?? "-"}\t{s.Status}\n");
            }

            await CliOutput.WriteTextAsync(text.ToString(), cancellationToken);
            return 0;
        });

        var lifted = new Argument<string>("EMAIL");
        var reactivate = new Command("reactivate", "Lift the suspension of a subscriber suspended for hard bounces") { lifted };
        reactivate.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var address = parseResult.GetRequiredValue(lifted);
            if (!await services.GetRequiredService<SubscriberStore>().LiftSuspensionAsync(address, CliContext.Actor, cancellationToken))
            {
                throw new CliException($"{address} is not a suspended subscriber");
            }

            await Console.Error.WriteLineAsync($"{SubscriberStore.Normalize(address)}: active again, bounces reset");
            return 0;
        });

        return new Command("subscribers", "The subscriber list") { import, add, remove, reactivate, list };
    }

    /// <summary>The preview of an import: counts, then each row that changes something or cannot be imported.</summary>
    private static string Describe(string path, ImportPreview preview)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)} ({preview.List.Charset}): {preview.List.Rows.Count + preview.List.Invalid.Count} rows\n");
        foreach (var outcome in Enum.GetValues<ImportOutcome>())
        {
            text.Append(CultureInfo.InvariantCulture, $"  {ImportPreview.Describe(outcome)}: {preview.Of(outcome).Count}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"  invalid: {preview.List.Invalid.Count}\n");
        foreach (var change in preview.Changes.Where(c => c.Outcome is not ImportOutcome.Unchanged))
        {
            var row = change.Row;
            text.Append(CultureInfo.InvariantCulture, $"line {row.Line}: {row.Email} ")
                .Append(change.Outcome == ImportOutcome.Renamed ? $"name {change.OldName ?? "-"} -> {row.Name}" : $"{row.Name ?? "-"}: {ImportPreview.Describe(change.Outcome)}")
                .Append('\n');
        }

        foreach (var row in preview.List.Invalid)
        {
            text.Append(CultureInfo.InvariantCulture, $"line {row.Line}: '{row.Email}': {row.Reason}\n");
        }

        return text.ToString();
    }
}
