namespace BulletinMail.Features.Intake;

/// <summary>
/// A Maildir (the embedded default, <c>data/mailbox</c>): messages wait in <c>new/</c> (and
/// unseen in <c>cur/</c>); a processed one moves to <c>cur/</c> with the Seen flag (and Flagged
/// when quarantined). Nothing is deleted. The unique name before <c>:2,</c> is the message's place.
/// </summary>
public sealed class MaildirMailbox(string path) : IMailboxSource
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Key => "maildir:" + Path;

    public Task<IMailboxSession> OpenAsync(CancellationToken cancellationToken)
    {
        foreach (var sub in (string[])["new", "cur", "tmp"])
        {
            Directory.CreateDirectory(System.IO.Path.Combine(Path, sub));
        }

        return Task.FromResult<IMailboxSession>(new Session(Path));
    }

    /// <summary>Delivers a message into <c>new/</c> the Maildir way (write to tmp/, then rename): for tests and <c>ingest --maildir</c> users.</summary>
    public static async Task<string> DeliverAsync(string maildir, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        foreach (var sub in (string[])["new", "cur", "tmp"])
        {
            Directory.CreateDirectory(System.IO.Path.Combine(maildir, sub));
        }

        var name = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Guid.NewGuid():N}.bulletinmail";
        var temp = System.IO.Path.Combine(maildir, "tmp", name);
        await File.WriteAllBytesAsync(temp, message.ToArray(), cancellationToken);
        File.Move(temp, System.IO.Path.Combine(maildir, "new", name));
        return name;
    }

    private sealed class Session(string path) : IMailboxSession
    {
        public long? UidValidity => null;

        public Task<IReadOnlyList<MailboxItem>> ListAsync(CancellationToken cancellationToken)
        {
            var items = new List<(string Name, MailboxItem Item)>();
            foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(path, "new")))
            {
                var name = System.IO.Path.GetFileName(file);
                items.Add((name, new MailboxItem(null, UniqueName(name), new FileInfo(file).Length)));
            }

            foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(path, "cur")))
            {
                var name = System.IO.Path.GetFileName(file);
                if (!Flags(name).Contains('S', StringComparison.Ordinal))
                {
                    items.Add((name, new MailboxItem(null, UniqueName(name), new FileInfo(file).Length)));
                }
            }

            return Task.FromResult<IReadOnlyList<MailboxItem>>([.. items.OrderBy(i => i.Name, StringComparer.Ordinal).Select(i => i.Item)]);
        }

        public async Task DownloadAsync(IReadOnlyList<MailboxItem> items, Func<MailboxItem, Stream, CancellationToken, Task> receive, CancellationToken cancellationToken)
        {
            foreach (var item in items)
            {
                var file = Find(item.SourceKey!) ?? throw new FileNotFoundException($"message {item.SourceKey} is no longer in {path}");
                await using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
                await receive(item, source, cancellationToken);
            }
        }

        public Task CompleteAsync(IReadOnlyList<MailboxItem> items, bool quarantined, CancellationToken cancellationToken)
        {
            foreach (var item in items)
            {
                var file = Find(item.SourceKey!);
                if (file is null)
                {
                    continue; // completed before, by an earlier run
                }

                var flags = new SortedSet<char>(Flags(System.IO.Path.GetFileName(file))) { 'S' };
                if (quarantined)
                {
                    flags.Add('F');
                }

                var target = System.IO.Path.Combine(path, "cur", $"{item.SourceKey}:2,{string.Concat(flags)}");
                if (!string.Equals(file, target, StringComparison.Ordinal))
                {
                    try
                    {
                        File.Move(file, target, overwrite: false);
                    }
                    catch (FileNotFoundException)
                    {
                        // Another poll (the worker's own beside ingest --once, a second worker) completed it
                        // between our look and our move: its row is committed, there is nothing left to do.
                    }
                }
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private string? Find(string uniqueName)
        {
            var inNew = System.IO.Path.Combine(path, "new", uniqueName);
            if (File.Exists(inNew))
            {
                return inNew;
            }

            // Otherwise it carries an info suffix (":2,FLAGS"), in cur/ or, from some delivery agents, in new/.
            return ((string[])["new", "cur"])
                .SelectMany(sub => Directory.EnumerateFiles(System.IO.Path.Combine(path, sub), uniqueName + ":*"))
                .FirstOrDefault(f => UniqueName(System.IO.Path.GetFileName(f)) == uniqueName);
        }

        private static string UniqueName(string fileName)
        {
            var colon = fileName.IndexOf(":2,", StringComparison.Ordinal);
            return colon < 0 ? fileName : fileName[..colon];
        }

        private static string Flags(string fileName)
        {
            var colon = fileName.IndexOf(":2,", StringComparison.Ordinal);
            return colon < 0 ? string.Empty : fileName[(colon + 3)..];
        }
    }
}
