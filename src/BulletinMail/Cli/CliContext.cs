using System.CommandLine;
using BulletinMail.Features.Intake;
using BulletinMail.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulletinMail.Cli;

/// <summary>The global options every command takes, and the services a one-shot command runs with.</summary>
internal static class CliContext
{
    public static readonly Option<string?> Config = new("--config")
    {
        Description = $"configuration file (default {AppConfiguration.DefaultConfigPath})",
        Recursive = true,
    };

    public static readonly Option<string?> Data = new("--data")
    {
        Description = "data folder: SQLite database, originals, outbox (default ./data)",
        Recursive = true,
    };

    public static IConfigurationRoot Configuration(ParseResult parseResult)
    {
        try
        {
            return AppConfiguration.Build(parseResult.GetValue(Config), parseResult.GetValue(Data));
        }
        catch (FileNotFoundException ex)
        {
            throw new CliException(ex.Message, ex);
        }
        catch (InvalidDataException ex)
        {
            throw new CliException($"configuration: {ex.Message}", ex);
        }
    }

    /// <summary>The services of a one-shot command; log lines go to stderr, so stdout stays the command's output.</summary>
    /// <param name="configure">Registrations that go first (a test's clock).</param>
    public static ServiceProvider Services(IConfiguration configuration, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        configure?.Invoke(services);
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter("BulletinMail", LogLevel.Warning)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddBulletinMail(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The services of a command that uses the database, which is migrated (and its units seeded) first.</summary>
    public static async Task<ServiceProvider> DatabaseServicesAsync(ParseResult parseResult, CancellationToken cancellationToken, IDictionary<string, string?>? overrides = null)
    {
        var configuration = Configuration(parseResult);
        IConfiguration effective = overrides is null ? configuration : new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(overrides).Build();
        var services = Services(effective);
        try
        {
            // One-shot commands have no host to run ValidateOnStart: check every option here, as `run` does.
            services.GetRequiredService<IStartupValidator>().Validate();
            await services.GetRequiredService<DatabaseInitializer>().InitializeAsync(cancellationToken);
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>Who a command-line change is attributed to in the audit log.</summary>
    public static string Actor => $"cli:{Environment.UserName}";
}
