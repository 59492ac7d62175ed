using System.Security.Cryptography;
using BulletinMail.Data;

namespace BulletinMail.Features.Intake;

/// <summary>
/// Keeps every original byte for byte, content-addressed: <c>originals/ab/cd/&lt;sha256&gt;.eml</c>
/// under the data folder. Saving the same bytes twice writes once; a crash mid-write leaves only
/// a temporary file, never a partial original.
/// </summary>
public sealed class OriginalStore(DbConnectionFactory connections)
{
    private string Root => Path.Combine(connections.DataDirectory, "originals");

    /// <summary>Stores what <paramref name="write"/> writes, whole, however large: the file is hashed after it is written.</summary>
    public async Task<StoredOriginal> SaveAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $".incoming-{Guid.NewGuid():N}");
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await write(output, cancellationToken);
                await output.FlushAsync(cancellationToken);
            }

            string hash;
            long size;
            await using (var input = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            {
                size = input.Length;
                hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(input, cancellationToken));
            }

            var path = PathOf(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path))
            {
                File.Delete(temp);
            }
            else
            {
                File.Move(temp, path);
            }

            return new StoredOriginal(hash, size);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public string PathOf(string sha256) => Path.Combine(Root, sha256[..2], sha256[2..4], sha256 + ".eml");

    public Stream Open(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
}

public sealed record StoredOriginal(string Sha256, long Size);
