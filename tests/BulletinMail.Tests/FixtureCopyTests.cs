namespace BulletinMail.Tests;

/// <summary>
/// tests/fixtures is a copy of the shared fixtures, so that the repository stands on its own. Where
/// ../shared/fixtures is beside the repository, the copy must hold the same files with the same bytes.
/// </summary>
public sealed class FixtureCopyTests
{
    [SkippableFact]
    public void Fixtures_AreAByteForByteCopyOfTheSharedFixtures()
    {
        var shared = Path.GetFullPath(Path.Combine(TestPaths.RepositoryRoot, "..", "shared", "fixtures"));
        Skip.IfNot(Directory.Exists(shared), "no ../shared/fixtures beside the repository to compare tests/fixtures with");

        var theirs = Files(shared);
        var ours = Files(TestPaths.Fixtures);
        var stale = theirs.Except(ours).Select(file => $"{file} (missing)")
            .Concat(ours.Except(theirs).Select(file => $"{file} (not in ../shared/fixtures)"))
            .Concat(theirs.Intersect(ours).Where(file => !SameBytes(shared, file)).Select(file => $"{file} (differs)"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(stale.Count == 0, $"tests/fixtures is out of date with ../shared/fixtures: {string.Join(", ", stale)}; copy them again");
    }

    /// <summary>Every file under the folder, relative to it, with '/' between folder names.</summary>
    private static SortedSet<string> Files(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/')), StringComparer.Ordinal);

    private static bool SameBytes(string shared, string file) =>
        File.ReadAllBytes(Path.Combine(shared, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, file)));
}
