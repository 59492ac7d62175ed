using System.Security.Cryptography;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Subscribers;
using BulletinMail.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace BulletinMail.Tests.Features.Bulletins;

/// <summary>One subscriber's copy of an issue: personal link, list headers, VERP sender, DKIM.</summary>
public sealed class BulletinMessagesTests
{
    private static readonly Issue Issue = new()
    {
        Id = 3,
        Period = "2016-06",
        Number = 22,
        State = IssueState.Sending,
        Subject = "创新驱动助力工程动态 第22期(2016年6月)",
        TextBody = "保定市:6月3日,召开科协全委会。\n" + new string('文', 3000) + "\n退订:" + Bulletin.UnsubscribePlaceholder + "\n",
        HtmlBody = "<p>保定市</p><a href=\"" + Bulletin.UnsubscribePlaceholder + "\">退订</a>",
        CompiledBy = "test",
        CompiledAt = new DateTimeOffset(2016, 7, 3, 1, 0, 0, TimeSpan.Zero),
    };

    private static BulletinMessages Messages(DkimSettings? dkim = null)
    {
        var subscribers = Options.Create(new SubscriberOptions { SigningKey = "test key", PublicUrl = "https://bulletin.example.org" });
        var keys = new SigningKeys(subscribers, new ConfigurationBuilder().Build());
        return new BulletinMessages(keys, Links, Options.Create(new DigestOptions { Dkim = dkim ?? new() }), subscribers, Options.Create(new OutboundOptions { From = "bulletin@bulletin.example.org" }));
    }

    private static PublicLinks Links { get; } = new(
        new SigningKeys(Options.Create(new SubscriberOptions { SigningKey = "test key" }), new ConfigurationBuilder().Build()),
        Options.Create(new SubscriberOptions { PublicUrl = "https://bulletin.example.org" }));

    [Fact]
    public void EachCopy_CarriesItsOwnUnsubscribeLink_AndTheListHeaders()
    {
        var messages = Messages();
        using var first = messages.Create(Issue, 41, "a@example.org", "甲");
        using var second = messages.Create(Issue, 42, "b@example.org", null);

        var link = Links.Unsubscribe(41);
        Assert.StartsWith("https://bulletin.example.org/unsubscribe/41.", link, StringComparison.Ordinal);
        Assert.EndsWith($"退订:{link}\n", first.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{link}\"", first.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(Links.Unsubscribe(42), second.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(link, second.TextBody, StringComparison.Ordinal);
        Assert.Contains(new string('文', 3000), first.TextBody, StringComparison.Ordinal); // the part encoded once decodes whole

        Assert.Equal($"<{link}>, <mailto:bulletin@bulletin.example.org?subject=unsubscribe>", first.Headers[HeaderId.ListUnsubscribe]);
        Assert.Equal("List-Unsubscribe=One-Click", first.Headers[HeaderId.ListUnsubscribePost]);
        Assert.Equal("issue22.41.3@bulletin.example.org", first.MessageId); // the same each time it is sent
        Assert.StartsWith("bounces+3-41-", messages.EnvelopeFrom(3, 41).Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrittenForSmtp_TheCopyIsTheBytesMimeKitWouldWrite()
    {
        // The parts write their encoded bytes as they are when lines end in CRLF: the result must be
        // what MimeKit writes for the same message with its own parts (read back, written again).
        using var message = Messages().Create(Issue, 41, "a@example.org", "甲");
        var smtp = new FormatOptions { NewLineFormat = NewLineFormat.Dos };
        using var direct = new MemoryStream();
        message.WriteTo(smtp, direct);
        using var asynchronous = new MemoryStream();
        await message.WriteToAsync(smtp, asynchronous);

        direct.Position = 0;
        using var reread = MimeMessage.Load(direct);
        using var byMimeKit = new MemoryStream();
        reread.WriteTo(smtp, byMimeKit);

        Assert.Equal(byMimeKit.ToArray(), direct.ToArray());
        Assert.Equal(direct.ToArray(), asynchronous.ToArray());
        Assert.EndsWith($"退订:{Links.Unsubscribe(41)}\n", reread.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void WithAKey_TheCopyIsDkimSigned_OverTheListHeaders()
    {
        using var rsa = RSA.Create(2048);
        var messages = Messages(new DkimSettings { Domain = "bulletin.example.org", Selector = "mail", PrivateKey = rsa.ExportRSAPrivateKeyPem() });
        using var message = messages.Create(Issue, 7, "reader@example.org", null);

        var signature = message.Headers[HeaderId.DkimSignature];
        Assert.NotNull(signature);
        Assert.Contains("list-unsubscribe-post", signature.ToLowerInvariant(), StringComparison.Ordinal);

        // Round trip through bytes, as a receiver would verify it.
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        using var received = MimeMessage.Load(stream);
        var verifier = new DkimVerifier(new KeyLocator(Org.BouncyCastle.Security.DotNetUtilities.GetRsaPublicKey(rsa)));
        Assert.True(verifier.Verify(received, received.Headers[received.Headers.IndexOf(HeaderId.DkimSignature)]));
    }

    private sealed class KeyLocator(AsymmetricKeyParameter key) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => key;

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) => Task.FromResult(key);
    }
}
