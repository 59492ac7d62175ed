using BulletinMail.Features.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages.Site;

/// <summary>The confirmation link of a subscription: the GET asks, the POST confirms (scanners only GET).</summary>
public sealed class ConfirmModel(SigningKeys keys, SubscriberStore subscribers, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public string? Email { get; private set; }

    public bool Done { get; private set; }

    public IActionResult OnGet()
    {
        if (!keys.TryReadConfirm(Token, time.GetUtcNow(), out var email))
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Email = email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!keys.TryReadConfirm(Token, time.GetUtcNow(), out var email))
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        await subscribers.ConfirmAsync(email, cancellationToken);
        (Email, Done) = (email, true);
        return Page();
    }
}
