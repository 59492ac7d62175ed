using BulletinMail.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages.Admin;

/// <summary>Accounts, for admins: add one, change a role, set a password (which also lifts a lockout).</summary>
public sealed class UsersModel(UserStore users) : PageModel
{
    public IReadOnlyList<UserAccount> Accounts { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? Error { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Accounts = await users.ListAsync(cancellationToken);

    public Task<IActionResult> OnPostAddAsync(string name, string role, string password, CancellationToken cancellationToken) =>
        AttemptAsync(() => users.AddAsync(name?.Trim() ?? string.Empty, role, password, WebApp.Actor(User), cancellationToken));

    public Task<IActionResult> OnPostRoleAsync(string name, string role, CancellationToken cancellationToken) =>
        AttemptAsync(() => users.SetRoleAsync(name, role, WebApp.Actor(User), cancellationToken));

    public Task<IActionResult> OnPostPasswordAsync(string name, string password, CancellationToken cancellationToken) =>
        AttemptAsync(() => users.SetPasswordAsync(name, password, WebApp.Actor(User), cancellationToken));

    private async Task<IActionResult> AttemptAsync(Func<Task> change)
    {
        try
        {
            await change();
            Notice = Texts.T("Saved.");
        }
        catch (InvalidOperationException ex)
        {
            Error = ErrorMessages.Show(ex.Message);
        }

        return Redirect("/admin/users");
    }
}
