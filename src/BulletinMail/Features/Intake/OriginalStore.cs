using System.Security.Cryptography;
using BulletinMail.Data;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Keeps every original byte for byte, content-addressed: <c>originals/ab/&lt;sha256&gt;.eml</c>
/// under the data folder. Saving the same bytes twice writes once; a crash mid-write leaves only
/// a temporary file, never a partial original.
/// </summary>
public sealed class OriginalStore(DbConnectionFactory connections)
{
    private string Root => Path.Combine(connections.DataDirectory, "originals");

    /// <summary>
    /// Flushes the originals saved so far, and the database's commits, to disk: they share the
    /// data folder's file system, so one flush covers both (<see cref="Durability.FlushFileSystem"/>).
    /// </summary>
    public void FlushToDisk() => Durability.FlushFileSystem(connections.DataDirectory);

    /// <summary>
    /// Stores a message read from <paramref name="source"/>, whole, however large, hashing it as it
    /// is written. Its bytes are also returned when there are at most <paramref name="keepInMemory"/>
    /// of them, so that processing need not read the file again.
    /// </summary>
    public async Task<StoredOriginal> SaveAsync(Stream source, long keepInMemory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        EnsureDirectory(Root);
        var temp = Path.Combine(Root, $".incoming-{Guid.NewGuid():N}");
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // Sized up front when the source knows its length, and then handed over without a copy.
            var expected = source.CanSeek ? source.Length - source.Position : 0;
            var memory = new MemoryStream(expected is > 0 and <= int.MaxValue && expected <= keepInMemory ? (int)expected : 0);
            long size = 0;
            // Unbuffered file writes of pooled chunks: a message costs no fresh 80 KB buffers.
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
                {
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        size += read;
                        sha.AppendData(buffer, 0, read);
                        output.Write(buffer, 0, read);
                        if (memory is not null && size <= keepInMemory)
                        {
                            memory.Write(buffer, 0, read);
                        }
                        else
                        {
                            memory = null;
                        }
                    }
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            var path = PathOf(hash);
            EnsureDirectory(Path.GetDirectoryName(path)!);
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Kept already (the same bytes, by their hash): by an earlier message, or by another poll just now.
                File.Delete(temp);
            }

            return new StoredOriginal(hash, size, memory is null ? null : memory.Length == memory.Capacity ? memory.GetBuffer() : memory.ToArray());
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    // 256 folders (by the hash's first byte, as git keeps its objects): each made once per process,
    // not asked for at every message; a deeper tree cost a new folder for nearly every message.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> madeDirectories = new(StringComparer.Ordinal);

    private void EnsureDirectory(string path)
    {
        if (!madeDirectories.ContainsKey(path))
        {
            Directory.CreateDirectory(path);
            madeDirectories.TryAdd(path, true);
        }
    }

    /// <summary>The bytes of a stored original.</summary>
    public Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken) => File.ReadAllBytesAsync(PathOf(sha256), cancellationToken);

    /// <summary>
    /// Opens an original for reading: its bytes when the caller has them in memory, else the
    /// stored file (a large one is never read whole).
    /// </summary>
    public Stream Open(string sha256, byte[]? inMemory) => inMemory is not null
        ? new MemoryStream(inMemory, writable: false)
        : new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);

    public string PathOf(string sha256) => Path.Combine(Root, sha256[..2], sha256 + ".eml");

}

/// <param name="Content">The bytes, when small enough to keep in memory; else null.</param>
public sealed record StoredOriginal(string Sha256, long Size, byte[]? Content);
