using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace BulletinMail.Data;

/// <summary>
/// What survives a power cut. SQLite runs in WAL mode with <c>synchronous=NORMAL</c> (a commit is
/// written, not flushed) and originals are written without a flush each: both are made durable
/// together, once per batch, before the batch leaves the mailbox (<see cref="FlushFileSystem"/>).
/// And a full disk is told in plain words wherever it surfaces (<see cref="IsDiskFull"/>).
/// </summary>
public static partial class Durability
{
    private const int SqliteFull = 13; // SQLITE_FULL
    private const int SqliteIoError = 10; // SQLITE_IOERR
    private const int NoSpaceErrno = 28; // ENOSPC: .NET's IOException carries the errno as its HResult on Unix

    /// <summary>
    /// Flushes everything written to the file system that holds <paramref name="directory"/> —
    /// files, their folder entries, SQLite's write-ahead log — in one call however many files
    /// there are (Linux <c>syncfs</c>; <c>sync</c> on other Unix systems).
    /// </summary>
    /// <exception cref="IOException">The flush failed (a disk error): nothing may be taken as stored.</exception>
    public static void FlushFileSystem(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // not a platform the worker is deployed on
        }

        if (!OperatingSystem.IsLinux())
        {
            Sync();
            return;
        }

        // Any open file of that file system names it: the folder's marker file, kept for that.
        var marker = Path.Combine(directory, ".flush");
        using var handle = File.OpenHandle(marker, FileMode.OpenOrCreate, FileAccess.Read);
        if (SyncFs((int)handle.DangerousGetHandle()) != 0)
        {
            throw new IOException($"flushing {directory} to disk failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>
    /// Whether the failure is a full disk (SQLite's or the file system's), however deep it is
    /// wrapped. Given the data folder, an I/O error of SQLite's (it reports one when it cannot
    /// make its shared-memory file) counts too when that folder's disk has no room left.
    /// </summary>
    public static bool IsDiskFull(Exception? ex, string? dataDirectory = null)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is DiskFullException or SqliteException { SqliteErrorCode: SqliteFull } || (ex is IOException io && (io.HResult == NoSpaceErrno || io.HResult == unchecked((int)0x80070070))))
            {
                return true;
            }

            if (ex is SqliteException { SqliteErrorCode: SqliteIoError } && dataDirectory is not null && FreeMegabytes(dataDirectory) < LowSpaceMegabytes)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Less free space than this on the data folder's disk is reported as a full disk.</summary>
    public const double LowSpaceMegabytes = 1;

    /// <summary>A full disk in an operator's words, with what is free now.</summary>
    public static string DescribeDiskFull(string dataDirectory) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"disk full: the disk of the data folder has {FreeMegabytes(dataDirectory) ?? 0:0.0} MB free; free some space (what the mailbox still holds is not lost: it is taken in once there is room)");

    /// <summary>Free space on the disk of <paramref name="directory"/>, in MB; null when it cannot be read.</summary>
    public static double? FreeMegabytes(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace / (1024.0 * 1024.0);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "sync")]
    private static partial void Sync();
}

/// <summary>A full disk stopped the work; the message says so in an operator's words.</summary>
public sealed class DiskFullException(string message, Exception innerException) : Exception(message, innerException);
