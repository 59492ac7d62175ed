using System.CommandLine;
using System.Globalization;
using System.Text;
using BulletinMail.Features.Units;
using BulletinMail.Mail;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <summary><c>units list|add</c>: the reporting-unit registry.</summary>
internal static class UnitsCommand
{
    public static Command Create()
    {
        var format = OutputFormat.Create("text", "json");
        var list = new Command("list", "List the reporting units") { format };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            var registry = await services.GetRequiredService<UnitStore>().LoadAsync(services.GetRequiredService<UnitRegistry>().Sections, cancellationToken);
            var units = registry.Units.Select(u => new UnitJson(u.Name, u.Section, u.Order, u.Aliases, u.Senders)).ToList();
            if (parseResult.GetRequiredValue(format) == "json")
            {
                await CliOutput.WriteJsonAsync<IReadOnlyList<UnitJson>>(units, CliJsonContext.Readable.IReadOnlyListUnitJson, cancellationToken);
                return 0;
            }

            var text = new StringBuilder();
            foreach (var u in units)
            {
                text.Append(CultureInfo.InvariantCulture, $"{u.Name}\t{u.Section ?? "-"}\t{string.Join(", ", u.Senders)}\n");
            }

            await CliOutput.WriteTextAsync(text.ToString(), cancellationToken);
            return 0;
        });

        var name = new Argument<string>("NAME") { Description = "the unit's name as the bulletin prints it" };
        var section = new Option<string?>("--section") { Description = "the bulletin section it reports under" };
        var sender = new Option<string[]>("--sender") { Description = "an address it mails from (repeatable)", AllowMultipleArgumentsPerToken = false };
        var add = new Command("add", "Add a unit, or add sender addresses to an existing one") { name, section, sender };
        add.SetAction(async (parseResult, cancellationToken) =>
        {
            var senders = parseResult.GetValue(sender) ?? [];
            foreach (var address in senders)
            {
                if (!MailAddresses.IsBare(address))
                {
                    throw new CliException($"--sender '{address}' is not an e-mail address");
                }
            }

            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            await services.GetRequiredService<UnitStore>().AddAsync(parseResult.GetRequiredValue(name).Trim(), parseResult.GetValue(section), senders, cancellationToken);
            return 0;
        });

        return new Command("units", "The reporting-unit registry") { list, add };
    }
}
