using Microsoft.Extensions.Configuration;

namespace BulletinMail.Hosting;

/// <summary>
/// Where configuration comes from: the JSON file (<c>--config</c>, default
/// <c>config/appsettings.json</c>), then <c>BULLETINMAIL_</c> environment variables, then
/// <c>--data</c>. The default file may be absent (built-in defaults apply); a named one must exist.
/// </summary>
public static class AppConfiguration
{
    public const string DefaultConfigPath = "config/appsettings.json";
    public const string EnvironmentPrefix = "BULLETINMAIL_";

    /// <exception cref="FileNotFoundException">A config file named on the command line does not exist.</exception>
    public static IConfigurationRoot Build(string? configPath, string? dataDirectory)
    {
        var path = Path.GetFullPath(configPath ?? DefaultConfigPath);
        if (configPath is not null && !File.Exists(path))
        {
            throw new FileNotFoundException($"configuration file {configPath} does not exist", configPath);
        }

        var builder = new ConfigurationBuilder()
            .AddJsonFile(path, optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix);
        var overrides = new Dictionary<string, string?>
        {
            ["ConfigDirectory"] = Path.GetDirectoryName(path),
        };
        if (dataDirectory is not null)
        {
            overrides["DataDirectory"] = dataDirectory;
        }

        return builder.AddInMemoryCollection(overrides).Build();
    }
}
