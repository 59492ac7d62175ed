using System.Globalization;
using System.Security.Claims;
using BulletinMail.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BulletinMail.Web;

/// <summary>
/// Sign-in sessions that can be revoked (issue 15): the cookie names the account and carries its
/// security stamp; every request checks the stamp against the database and takes the role from
/// there, never from the cookie, so a sign-out, a new password or a new role ends every session
/// of the account at its next request.
/// </summary>
internal static class AccountSessions
{
    private const string StampClaim = "bulletinmail:stamp";

    public static ClaimsPrincipal Principal(UserSession user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, user.Name),
                new Claim(ClaimTypes.Role, user.Role),
                new Claim(StampClaim, user.SecurityStamp),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>The signed-in account's id, or null.</summary>
    public static long? AccountId(ClaimsPrincipal user) =>
        long.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The cookie handler's check of every request's session.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        if (context.Principal is { } principal
            && AccountId(principal) is { } id
            && principal.FindFirstValue(StampClaim) is { Length: > 0 } stamp
            && await users.FindSessionAsync(id, context.HttpContext.RequestAborted) is { } current
            && string.Equals(current.SecurityStamp, stamp, StringComparison.Ordinal))
        {
            context.ReplacePrincipal(Principal(current)); // the role as it is now
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
