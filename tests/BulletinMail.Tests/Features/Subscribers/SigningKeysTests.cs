using BulletinMail.Features.Subscribers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BulletinMail.Tests.Features.Subscribers;

public sealed class SigningKeysTests
{
    private static SigningKeys Keys(string key) =>
        new(Options.Create(new SubscriberOptions { SigningKey = key }), new ConfigurationBuilder().Build());

    [Fact]
    public void AnUnsubscribeToken_NamesItsSubscriber_AndCannotBeForged()
    {
        var keys = Keys("one key");
        var token = keys.Unsubscribe(42);
        Assert.True(keys.TryReadUnsubscribe(token, out var id));
        Assert.Equal(42, id);
        Assert.False(keys.TryReadUnsubscribe("43" + token[2..], out _)); // another subscriber's id with this MAC
        Assert.False(Keys("another key").TryReadUnsubscribe(token, out _));
        Assert.False(keys.TryReadUnsubscribe("garbage", out _));
        Assert.False(keys.TryReadUnsubscribe(null, out _));
    }

    [Fact]
    public void AConfirmationToken_Expires()
    {
        var keys = Keys("k");
        var now = new DateTimeOffset(2016, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var token = keys.Confirm("reader@example.org", now.AddDays(3));
        Assert.True(keys.TryReadConfirm(token, now.AddDays(2), out var email));
        Assert.Equal("reader@example.org", email);
        Assert.False(keys.TryReadConfirm(token, now.AddDays(4), out _));
        Assert.False(keys.TryReadConfirm(token.Replace(".", ".9", StringComparison.Ordinal), now, out _)); // a later expiry, forged
    }

    [Fact]
    public void TheBounceAddress_CarriesIssueAndSubscriber()
    {
        var keys = Keys("k");
        var local = keys.BounceLocalPart(7, 1234);
        Assert.StartsWith("bounces+7-1234-", local, StringComparison.Ordinal);
        Assert.True(keys.TryReadBounce(local, out var issue, out var subscriber));
        Assert.Equal((7L, 1234L), (issue, subscriber));
        Assert.True(keys.TryReadBounce(local.ToUpperInvariant(), out _, out _)); // some MTAs change case
        Assert.False(keys.TryReadBounce("bounces+7-1235-" + local.Split('-')[2], out _, out _));
    }

    [Fact]
    public void EveryBounceAddress_ReadsBack()
    {
        // The MAC is base64url, so it may itself hold a '-': one address in six did, and its bounce went unmatched.
        var keys = Keys("k");
        Assert.All(Enumerable.Range(1, 2000), subscriber =>
        {
            Assert.True(keys.TryReadBounce(keys.BounceLocalPart(3, subscriber), out var issue, out var read), keys.BounceLocalPart(3, subscriber));
            Assert.Equal((3L, (long)subscriber), (issue, read));
        });
    }
}
