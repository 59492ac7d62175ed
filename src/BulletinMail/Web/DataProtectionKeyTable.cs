using System.Xml.Linq;
using BulletinMail.Data;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace BulletinMail.Web;

/// <summary>
/// Data Protection's key ring (the keys of sign-in cookies and antiforgery tokens) in the table
/// <c>data_protection_keys</c>, so that every worker on the database shares it: a form rendered
/// by one worker is accepted by another, and a sign-in holds when the load balancer switches.
/// <para>
/// Keys kept in the folder <c>data/keys</c> by earlier versions are copied in when the table is
/// found empty, at the first start after the upgrade, so no editor is signed out by it; the folder
/// is not read again once the table has keys.
/// </para>
/// <para>
/// The keys are stored unencrypted, as they were in the folder (no XML encryptor is configured):
/// whoever can read this table can read the subscribers, the password hashes and the security
/// stamps beside it, and on SQLite the table sits in the data folder's private database file where
/// the key files used to be. A database backup must therefore be kept as carefully as the data
/// folder; after a leak, deleting the rows and restarting the workers signs every editor out.
/// </para>
/// </summary>
public sealed partial class DataProtectionKeyTable(DbConnectionFactory connections, ILogger<DataProtectionKeyTable> logger) : IXmlRepository
{
    private const string SelectAll = "SELECT element FROM data_protection_keys ORDER BY name";

    private const string Insert = "INSERT INTO data_protection_keys (name, element) VALUES (@name, @element)";

    // Two workers finding the table empty at once both copy the folder in; the first copy counts.
    private const string InsertUnlessPresent = Insert + " ON CONFLICT (name) DO NOTHING";

    /// <summary>Where earlier versions kept the keys: <c>keys</c> in the data folder, one <c>NAME.xml</c> each.</summary>
    private string FolderOfEarlierVersions => Path.Combine(connections.DataDirectory, "keys");

    // Data Protection's interface is synchronous. It reads the ring at start, when a key it does not
    // know turns up and about once a day; it stores a key every few months: blocking there is cheap.
    public IReadOnlyCollection<XElement> GetAllElements() => ReadAllAsync(CancellationToken.None).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) => StoreAsync(element, friendlyName, CancellationToken.None).GetAwaiter().GetResult();

    private async Task<IReadOnlyCollection<XElement>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var elements = (await connection.QueryAsync<string>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken))).AsList();
        if (elements.Count == 0 && KeysOfEarlierVersions() is { Count: > 0 } earlier)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (name, element) in earlier)
            {
                await connection.ExecuteAsync(new CommandDefinition(InsertUnlessPresent, new { name, element }, transaction, cancellationToken: cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);
            LogCopiedFromFolder(earlier.Count, FolderOfEarlierVersions);
            elements = (await connection.QueryAsync<string>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken))).AsList();
        }

        return [.. elements.Select(element => XElement.Parse(element))];
    }

    private async Task StoreAsync(XElement element, string friendlyName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(element);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Insert, new { name = friendlyName, element = element.ToString(SaveOptions.DisableFormatting) }, cancellationToken: cancellationToken));
    }

    // The files as FileSystemXmlRepository wrote them: the name without .xml is the friendly name.
    private List<(string Name, string Element)> KeysOfEarlierVersions() =>
        Directory.Exists(FolderOfEarlierVersions)
            ? [.. Directory.EnumerateFiles(FolderOfEarlierVersions, "*.xml")
                .Select(file => (Path.GetFileNameWithoutExtension(file), XElement.Load(file).ToString(SaveOptions.DisableFormatting)))]
            : [];

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Count} Data Protection keys from {Folder} into the database; the folder is no longer read")]
    private partial void LogCopiedFromFolder(int count, string folder);
}
