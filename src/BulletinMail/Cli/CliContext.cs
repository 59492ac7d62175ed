using System.CommandLine;
using BulletinMail.Features.Extraction;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;
using BulletinMail.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>The services of the pure features (no database, no network), for one-shot commands.</summary>
    public static ServiceProvider Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddUnitRegistry(configuration).AddReportParser().AddExtraction();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
