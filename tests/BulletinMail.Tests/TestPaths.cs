namespace BulletinMail.Tests;

/// <summary>Where test inputs live: this project's TestData, and the parser fixtures in <c>tests/fixtures</c>.</summary>
internal static class TestPaths
{
    public static string TestData { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// <c>tests/fixtures</c>: the reference bulletin, unit reports and corpus, a copy of the shared
    /// fixtures kept in step by <see cref="FixtureCopyTests"/>.
    /// </summary>
    public static string Fixtures { get; } = Path.Combine(RepositoryRoot, "tests", "fixtures");

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
