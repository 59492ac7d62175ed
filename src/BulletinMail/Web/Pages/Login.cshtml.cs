using BulletinMail.Features.Accounts;
using SignInResult = BulletinMail.Features.Accounts.SignInResult;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

public sealed class LoginModel(UserStore users) : PageModel
{
    public string? Error { get; private set; }

    public string? Name { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? name, string? password, CancellationToken cancellationToken)
    {
        Name = name;
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password))
        {
            Error = Texts.T("Enter your user name and password.");
            return Page();
        }

        var (result, user) = await users.SignInAsync(name, password, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (result != SignInResult.Success)
        {
            Error = Texts.T("Wrong user name or password, or too many attempts: wait a minute and try again.");
            return Page();
        }

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AccountSessions.Principal(user!));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/queue");
    }
}
