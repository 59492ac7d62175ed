using System.Security.Claims;
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

        var (result, user) = await users.SignInAsync(name, password, cancellationToken);
        switch (result)
        {
            case SignInResult.LockedOut:
                Error = Texts.T("Too many wrong passwords: this account is locked for 15 minutes.");
                return Page();
            case SignInResult.WrongNameOrPassword:
                Error = Texts.T("Wrong user name or password.");
                return Page();
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user!.Name), new Claim(ClaimTypes.Role, user.Role)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/queue");
    }
}
