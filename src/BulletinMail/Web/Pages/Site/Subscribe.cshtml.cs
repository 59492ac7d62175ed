using BulletinMail.Features.Subscribers;
using BulletinMail.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace BulletinMail.Web.Pages.Site;

/// <summary>The public subscribe form: double opt-in, the subscription waits for the link mailed to the address.</summary>
[EnableRateLimiting(WebApp.SubscribeRateLimit)]
[RequestSizeLimit(16 * 1024)] // an address and a name: a 3 MB "name" is refused before it is read
public sealed class SubscribeModel(SubscriptionConfirmations confirmations) : PageModel
{
    public bool Sent { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || !MailAddresses.IsBare(email.Trim()))
        {
            Error = Texts.T("Enter a valid e-mail address.");
            return Page();
        }

        await confirmations.RequestAsync(email.Trim(), string.IsNullOrWhiteSpace(name) ? null : name.Trim(), "web", cancellationToken);
        Sent = true; // the same answer whether or not the address was subscribed: it tells nobody who is
        return Page();
    }
}
