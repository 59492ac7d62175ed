using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Subscribers;

/// <summary>
/// Links in mail to the public pages: under <c>Digest:PublicUrl</c>, never guessed from the address
/// the web server happens to listen on. Only the embedded default (mail into the outbox, where
/// <see cref="PublicUrlRequired"/> lets it be unset) links to the default address of <c>run</c>.
/// </summary>
public sealed class PublicLinks(SigningKeys keys, IOptions<SubscriberOptions> options)
{
    public const string EmbeddedDefault = "http://127.0.0.1:5080";

    /// <summary>The public site, without a trailing slash.</summary>
    public string Root => (options.Value.PublicUrl is { Length: > 0 } url ? url : EmbeddedDefault).TrimEnd('/');

    public string Unsubscribe(long subscriberId) => $"{Root}/unsubscribe/{keys.Unsubscribe(subscriberId)}";

    public string ConfirmSubscription(string email, DateTimeOffset expires) => $"{Root}/subscribe/confirm?token={keys.Confirm(email, expires)}";
}
