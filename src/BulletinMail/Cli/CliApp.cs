using System.CommandLine;
using BulletinMail.Features.Extraction;
using BulletinMail.Hosting;
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
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"error: configuration: {string.Join("; ", ex.Failures.Select(Readable))}");
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
        catch (Exception ex) when (Environment.GetEnvironmentVariable("BULLETINMAIL_TRACE") is null)
        {
            // A bug of ours, not the user's input: still one line (set BULLETINMAIL_TRACE=1 for the stack).
            await Console.Error.WriteLineAsync($"error: internal error ({ex.GetType().Name}): {ex.Message}");
            return 1;
        }
    }

    // "DataAnnotation validation failed for 'X' members: 'Y' with the error: 'Z'." says Z.
    private static string Readable(string failure) =>
        AnnotationFailure().Match(failure) is { Success: true } match ? match.Groups[1].Value : failure;

    [System.Text.RegularExpressions.GeneratedRegex(@"with the error: '(.+)'\.?$")]
    private static partial System.Text.RegularExpressions.Regex AnnotationFailure();
}
