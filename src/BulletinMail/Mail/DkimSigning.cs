using MimeKit;
using MimeKit.Cryptography;

namespace BulletinMail.Mail;

/// <summary>Optional DKIM signing of the bulletin (<c>Digest:Dkim</c>); the key (PEM) from the environment.</summary>
public sealed class DkimSettings
{
    public string? Domain { get; set; }

    public string? Selector { get; set; }

    public string? PrivateKey { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Domain) && !string.IsNullOrWhiteSpace(Selector) && !string.IsNullOrWhiteSpace(PrivateKey);
}

/// <summary>Signs messages with DKIM (relaxed canonicalization) when <see cref="DkimSettings"/> are complete; otherwise leaves them as they are.</summary>
public sealed class DkimSigning(DkimSettings settings)
{
    private static readonly HeaderId[] SignedHeaders =
    [
        HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId,
        HeaderId.ListId, HeaderId.ListUnsubscribe, HeaderId.ListUnsubscribePost, HeaderId.MimeVersion, HeaderId.ContentType,
    ];

    private readonly Lazy<DkimSigner?> signer = new(() => CreateSigner(settings));

    /// <summary>Signs the message as it will travel (7-bit), if signing is configured.</summary>
    public void Sign(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (signer.Value is { } dkim)
        {
            message.Prepare(EncodingConstraint.SevenBit);
            dkim.Sign(message, SignedHeaders);
        }
    }

    private static DkimSigner? CreateSigner(DkimSettings dkim)
    {
        if (!dkim.Enabled)
        {
            return null;
        }

        using var key = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(dkim.PrivateKey!));
        return new DkimSigner(key, dkim.Domain!, dkim.Selector!)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
    }
}
