using BulletinMail.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

public sealed class LogoutModel(UserStore users) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    /// <summary>Signs out everywhere: a copy of the cookie kept elsewhere stops working too.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (AccountSessions.AccountId(User) is { } id)
        {
            await users.EndSessionsAsync(id, cancellationToken);
        }

        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/login");
    }
}
