using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace BulletinMail.Mail;

/// <summary>
/// The embedded default: each message becomes <c>outbox/&lt;hash of Message-ID&gt;.eml</c> in the data
/// folder, written to a temporary file and renamed, so a message sent twice is one file.
/// </summary>
public sealed class OutboxMailer(string directory) : IOutboundMailer
{
    public string Directory { get; } = directory;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        System.IO.Directory.CreateDirectory(Directory);
        message.MessageId ??= MimeUtils.GenerateMessageId();
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.MessageId)))[..32] + ".eml";
        var path = Path.Combine(Directory, name);
        if (File.Exists(path))
        {
            return;
        }

        var temp = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        await using (var stream = File.Create(temp))
        {
            await message.WriteToAsync(stream, cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
    }
}
