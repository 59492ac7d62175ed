using System.CommandLine;
using System.Text;
using BulletinMail.Features.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace BulletinMail.Cli;

/// <summary><c>users add NAME --role editor|admin</c>: editor accounts, the password read from stdin.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "the name the editor signs in with" };
        var role = new Option<string>("--role") { Description = "editor or admin", Required = true };
        role.AcceptOnlyFromAmong(UserStore.Editor, UserStore.Admin);
        var add = new Command("add", "Add an editor account; the password is read from stdin (one line)") { name, role };
        add.SetAction(async (parseResult, cancellationToken) =>
        {
            var password = await ReadPasswordAsync(cancellationToken);
            await using var services = await CliContext.DatabaseServicesAsync(parseResult, cancellationToken);
            try
            {
                var user = await services.GetRequiredService<UserStore>().AddAsync(parseResult.GetRequiredValue(name).Trim(), parseResult.GetRequiredValue(role), password, CliContext.Actor, cancellationToken);
                await Console.Error.WriteLineAsync($"added {user.Role} {user.Name}");
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message, ex);
            }
        });

        return new Command("users", "Editor accounts") { add };
    }

    // From a pipe: the first line. At a terminal: asked for without echo.
    private static async Task<string> ReadPasswordAsync(CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            return (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r') ?? throw new CliException("no password on stdin");
        }

        await Console.Error.WriteAsync("password: ");
        var password = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        await Console.Error.WriteLineAsync();
        return password.ToString();
    }
}
