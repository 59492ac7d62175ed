using BulletinMail.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace BulletinMail.Features.Intake;

/// <summary>
/// The submission mailbox on an IMAP server (MailKit). Messages are downloaded in chunks, so a
/// large one never sits in memory whole; after its submission is committed a message is flagged
/// Seen and moved to the processed (or quarantine) folder.
/// </summary>
public sealed class ImapMailbox(MailboxOptions.ImapSettings settings) : IMailboxSource
{
    /// <summary>Messages up to this size are fetched many to a command; larger ones alone, in chunks of this size.</summary>
    public const int ChunkBytes = 1024 * 1024;

    public string Key => $"imap:{settings.User}@{settings.Host}:{settings.Port}/{settings.Folder}";

    /// <exception cref="IOException">The server cannot be reached.</exception>
    /// <exception cref="AuthenticationException">The credentials were refused.</exception>
    /// <exception cref="ImapProtocolException">The server spoke nonsense.</exception>
    public async Task<IMailboxSession> OpenAsync(CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(settings, cancellationToken);
        try
        {
            var folder = await client.GetFolderAsync(settings.Folder, cancellationToken);
            await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            return new Session(client, folder, settings);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A connected, authenticated client: for polling and for the IDLE listener.</summary>
    public static async Task<ImapClient> ConnectAsync(MailboxOptions.ImapSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = settings.ProtocolLog is { Length: > 0 } log ? new ImapClient(new ProtocolLogger(log, append: true)) : new ImapClient();
        try
        {
            await client.ConnectAsync(settings.Host!, settings.Port, MailSecurity.ToSocketOptions(settings.Security), cancellationToken);
            if (settings.OAuth2Token is { Length: > 0 } token)
            {
                await client.AuthenticateAsync(new SaslMechanismOAuth2(settings.User ?? string.Empty, token), cancellationToken);
            }
            else
            {
                await client.AuthenticateAsync(settings.User ?? string.Empty, settings.Password ?? string.Empty, cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private sealed class Session(ImapClient client, IMailFolder folder, MailboxOptions.ImapSettings settings) : IMailboxSession
    {
        public long? UidValidity => folder.UidValidity;

        public async Task<IReadOnlyList<MailboxItem>> ListAsync(CancellationToken cancellationToken)
        {
            var uids = await folder.SearchAsync(SearchQuery.NotDeleted, cancellationToken);
            if (uids.Count == 0)
            {
                return [];
            }

            var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
            return [.. summaries.OrderBy(s => s.UniqueId.Id).Select(s => new MailboxItem(s.UniqueId.Id, null, s.Size))];
        }

        public async Task DownloadAsync(IReadOnlyList<MailboxItem> items, Func<MailboxItem, Stream, CancellationToken, Task> receive, CancellationToken cancellationToken)
        {
            // Small messages: one UID FETCH for all of them, each handed over as it arrives.
            var small = items.Where(i => i.Size is <= ChunkBytes).ToDictionary(i => new UniqueId((uint)i.Uid!.Value));
            if (small.Count > 0 && folder is ImapFolder imap)
            {
                await imap.GetStreamsAsync([.. small.Keys], (_, _, uid, stream, ct) => receive(small[uid], stream, ct), cancellationToken);
            }

            // Large (or unsized) ones: by chunks into a temporary file, so that memory holds one chunk.
            foreach (var item in items.Where(i => i.Size is not <= ChunkBytes || folder is not ImapFolder))
            {
                var temp = Path.GetTempFileName();
                try
                {
                    await using var buffer = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
                    var uid = new UniqueId((uint)item.Uid!.Value);
                    for (var offset = 0; ; offset += ChunkBytes)
                    {
                        await using var chunk = await folder.GetStreamAsync(uid, offset, ChunkBytes, cancellationToken);
                        await chunk.CopyToAsync(buffer, cancellationToken);
                        if (chunk.Length < ChunkBytes)
                        {
                            break;
                        }
                    }

                    buffer.Position = 0;
                    await receive(item, buffer, cancellationToken);
                }
                finally
                {
                    File.Delete(temp);
                }
            }
        }

        public async Task CompleteAsync(IReadOnlyList<MailboxItem> items, bool quarantined, CancellationToken cancellationToken)
        {
            if (items.Count == 0)
            {
                return;
            }

            var uids = items.Select(i => new UniqueId((uint)i.Uid!.Value)).ToList();
            var target = await GetOrCreateFolderAsync(quarantined ? settings.QuarantineFolder : settings.ProcessedFolder, cancellationToken);
            await folder.AddFlagsAsync(uids, MessageFlags.Seen, silent: true, cancellationToken);
            try
            {
                await folder.MoveToAsync(uids, target, cancellationToken);
            }
            catch (ImapCommandException ex) when (ex.Response == ImapCommandResponse.No)
            {
                // Another poll (a second worker, an IDLE trigger beside the schedule, ingest --once)
                // is moving them too. Their rows are committed; whatever it leaves behind, the next
                // poll finds already recorded and moves.
            }
        }

        private async Task<IMailFolder> GetOrCreateFolderAsync(string name, CancellationToken cancellationToken)
        {
            try
            {
                return await client.GetFolderAsync(name, cancellationToken) ?? throw new FolderNotFoundException(name);
            }
            catch (FolderNotFoundException)
            {
                var root = client.GetFolder(client.PersonalNamespaces[0]);
                return await root.CreateAsync(name, isMessageFolder: true, cancellationToken)
                    ?? throw new ImapCommandException(ImapCommandResponse.No, $"the server did not create folder {name}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception ex) when (ex is IOException or ImapProtocolException or ImapCommandException or OperationCanceledException)
            {
                // The connection is going away anyway.
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}
