using System.ComponentModel.DataAnnotations;
using BulletinMail.Mail;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Subscribers;

/// <summary>
/// What subscribers meet of the bulletin: its name, the public site their links lead to, the key
/// that signs those links, and the limits on confirmation mail and on imports done at once. Read
/// from the <c>Digest</c> section, where the bulletin's own settings are too.
/// </summary>
public sealed class SubscriberOptions
{
    public const string Section = "Digest";

    /// <summary>The bulletin's name: its heading, the sender name and List-Id of its mail, the site's title.</summary>
    [Required]
    public string Title { get; set; } = "创新驱动助力工程动态";

    /// <summary>Where subscribers reach the public pages (unsubscribe, subscribe, archive), e.g. https://bulletin.example.org.</summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>The HMAC key of unsubscribe, confirmation and bounce tokens (from the environment); without it one is made and kept in the data folder.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// At most this many confirmation mails (subscriptions, unsubscribes by mail) a day in all;
    /// beyond it requests are refused and an error is logged: someone is abusing the form.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConfirmationsPerDay { get; set; } = 500;

    /// <summary>A confirmed subscriber import of more rows than this runs as a background job with its progress on the subscribers page.</summary>
    [Range(1, 10_000_000)]
    public int ImportJobThreshold { get; set; } = 5_000;
}

/// <summary>
/// Links in real mail must lead somewhere real: with SMTP, <c>Digest:PublicUrl</c> is required.
/// Reads the raw setting: the outbound options, if invalid, report their own errors once.
/// </summary>
internal sealed class PublicUrlRequired(IConfiguration configuration) : IValidateOptions<SubscriberOptions>
{
    public ValidateOptionsResult Validate(string? name, SubscriberOptions options) =>
        configuration[$"{OutboundOptions.Section}:{nameof(OutboundOptions.Kind)}"] == "smtp" && string.IsNullOrWhiteSpace(options.PublicUrl)
            ? ValidateOptionsResult.Fail("Digest:PublicUrl is required when Outbound:Kind is smtp: it is where the unsubscribe, confirmation and archive links in mail lead, e.g. https://bulletin.example.org")
            : ValidateOptionsResult.Success;
}
