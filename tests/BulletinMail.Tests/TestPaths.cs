namespace BulletinMail.Tests;

/// <summary>Where test inputs live: this project's TestData, and the shared fixtures beside the repository.</summary>
internal static class TestPaths
{
    public static string TestData { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>../shared/fixtures</c> from the repository root: the reference bulletin and unit reports.</summary>
    public static string SharedFixtures
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures"));
            return Directory.Exists(path)
                ? path
                : throw new DirectoryNotFoundException($"the shared fixtures are expected at ../shared/fixtures beside the repository ({path})");
        }
    }

    public static string Data(params string[] parts) => Path.Combine([TestData, .. parts]);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BulletinMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("BulletinMail.sln not found above the test assembly");
    }
}
