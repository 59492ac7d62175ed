using System.CommandLine;
using BulletinMail.Web;

namespace BulletinMail.Cli;

/// <summary><c>run</c> (also with no command): the worker, its jobs and its web UI, until stopped.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the worker: polling, scheduled jobs and the web UI (default command)");
        command.SetAction(RunAsync);
        return command;
    }

    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        await using var app = WebApp.Build(CliContext.Configuration(parseResult));
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
