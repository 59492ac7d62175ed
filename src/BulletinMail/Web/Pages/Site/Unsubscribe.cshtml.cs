using BulletinMail.Features.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages.Site;

/// <summary>
/// The personal unsubscribe link. A GET shows a confirmation and changes nothing (mail scanners
/// follow links); the POST unsubscribes, with no login: the HMAC-signed token is the proof.
/// Mail clients send that POST themselves (RFC 8058 one-click, body <c>List-Unsubscribe=One-Click</c>),
/// which is why it takes no antiforgery token.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(SigningKeys keys, SubscriberStore subscribers) : PageModel
{
    public Subscriber? Subscriber { get; private set; }

    public bool Done { get; private set; }

    public bool Invalid { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            return Page(); // the general page: how to unsubscribe
        }

        Subscriber = keys.TryReadUnsubscribe(token, out var id) ? await subscribers.GetAsync(id, cancellationToken) : null;
        Invalid = Subscriber is null;
        Done = Subscriber is { Status: SubscriberStatus.Unsubscribed };
        return Invalid ? NotFoundPage() : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken cancellationToken)
    {
        if (!keys.TryReadUnsubscribe(token, out var id) || await subscribers.GetAsync(id, cancellationToken) is not { } subscriber)
        {
            Invalid = true;
            return NotFoundPage();
        }

        await subscribers.UnsubscribeAsync(id, "one-click", cancellationToken);
        (Subscriber, Done) = (subscriber, true);
        return Page();
    }

    private PageResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>The address shown on the page, partly hidden (the link may have been forwarded).</summary>
    public static string Masked(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 1 ? email : $"{email[0]}***{email[(at - 1)..]}";
    }
}
