namespace BulletinMail.Platform;

/// <summary>Where the service keeps its files: the data folder, and paths named in configuration.</summary>
public static class AppPaths
{
    /// <summary>The data folder: <c>--data</c>, else <c>DataDirectory</c> in config, else <c>./data</c>.</summary>
    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["DataDirectory"] is { Length: > 0 } data ? data : "data");

    /// <summary>A path from config, relative to the config file's folder when not absolute.</summary>
    public static string ConfigRelativePath(IConfiguration configuration, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(configuration["ConfigDirectory"] ?? "config", path));
}
