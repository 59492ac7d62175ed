using System.CommandLine;
using BulletinMail.Data;
using BulletinMail.Features.Extraction;
using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Cli;

/// <summary>
/// The command line (DESIGN.md): exit 0 on success, 1 with one line on stderr for bad input or
/// bad configuration, 2 for usage errors. Never a stack trace.
/// </summary>
public static partial class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        TextDecoder.EnsureCodePages();
        DataFolder.RestrictUmask();
        var root = new RootCommand("BulletinMail: monthly progress reports by mail, compiled into a bulletin")
        {
            CliContext.Config,
            CliContext.Data,
            RunCommand.Create(),
            ParseCommand.Create(),
            IngestCommand.Create(),
            SubmissionsCommand.Create(),
            EntriesCommand.Create(),
            UnitsCommand.Create(),
            StatusCommand.Create(),
            UsersCommand.Create(),
            DigestCommand.Create(),
            SubscribersCommand.Create(),
        };
        root.SetAction(RunCommand.RunAsync);

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync($"usage: {error.Message}");
            }

            await Console.Error.WriteLineAsync("run with --help for the commands and their options");
            return 2;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is CliException or ExtractionException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ConfigurationFailures(ex) is { Count: > 0 } failures)
        {
            // One line per bad setting, each naming its key and what it should be (issue 11).
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"error: configuration: {failure}");
            }

            return 1;
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync($"error: configuration: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception ex) when (Durability.IsDiskFull(ex))
        {
            await Console.Error.WriteLineAsync($"error: {(ex is DiskFullException ? ex.Message : $"disk full: {ex.Message}")}");
            return 1;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("BULLETINMAIL_TRACE") is null)
        {
            // A bug of ours, not the user's input: still one line (set BULLETINMAIL_TRACE=1 for the stack).
            await Console.Error.WriteLineAsync($"error: internal error ({ex.GetType().Name}): {ex.Message}");
            return 1;
        }
    }

    // Options validation (one exception per options class, several at once from the start-up
    // validator) and the binder's failure to read a value ("Port=abc") are bad configuration.
    private static List<string> ConfigurationFailures(Exception ex) => ex switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException all when all.InnerExceptions.All(e => e is OptionsValidationException) => [.. all.InnerExceptions.SelectMany(ConfigurationFailures)],
        InvalidOperationException when UnreadableValue().Match(ex.Message) is { Success: true } match =>
            [$"{match.Groups["key"].Value} must be {Expected(match.Groups["type"].Value)}"],
        _ => [],
    };

    private static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.TimeSpan" => "a time span such as 00:02:00",
        "System.Boolean" => "true or false",
        _ => $"a {type} value",
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to convert configuration value .*at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex UnreadableValue();
}
