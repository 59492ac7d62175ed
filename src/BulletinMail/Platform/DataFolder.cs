using System.Runtime.InteropServices;

namespace BulletinMail.Platform;

/// <summary>
/// The data folder holds password hashes, subscribers' addresses and unsubscribe tokens, every
/// original: it and everything in it are private to the service's user (0700 folders, 0600 files),
/// whatever the umask the process was started with (issue 15).
/// </summary>
public static class DataFolder
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Sets the process's umask to 077: all it creates from here on (SQLite's journals too) is its user's alone.</summary>
    public static void RestrictUmask()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Umask(0b000_111_111); // 077
        }
    }

    /// <summary>Creates the folder (0700) if it is missing; makes it, and what an older version or another umask left in it, private.</summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    /// <exception cref="InvalidDataException">The folder or an entry in it belongs to another user.</exception>
    public static void MakePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // A folder already private was made so by an earlier start, which made its contents private
        // too (and the umask keeps new ones so): no need to walk thousands of originals again.
        var root = Directory.CreateDirectory(path, Owner);
        if ((root.UnixFileMode & ~Owner) == 0)
        {
            return;
        }

        Restrict(root);
        var everything = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var entry in root.EnumerateFileSystemInfos("*", everything))
        {
            Restrict(entry);
        }
    }

    // Group and others lose every right; a link is left alone (its mode is not its own).
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Restrict(FileSystemInfo entry)
    {
        try
        {
            if (entry.LinkTarget is null && (entry.UnixFileMode & ~Owner) != 0)
            {
                entry.UnixFileMode &= Owner;
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidDataException($"the data folder must belong to the user the worker runs as; {entry.FullName} does not ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Gone since it was listed (a temporary file, SQLite's shared-memory file): nothing to restrict.
        }
    }

    // DllImport, not LibraryImport: that one needs unsafe code allowed in the whole project, for one blittable call.
    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint Umask(uint mask);
}
