using BulletinMail.Features.Digest;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>The subscriber list: add, remove, import a CSV file (email,name).</summary>
public sealed class SubscribersModel(SubscriberStore subscribers) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public IReadOnlyList<Subscriber> Rows { get; private set; } = [];

    public IReadOnlyDictionary<string, int> Counts { get; private set; } = new Dictionary<string, int>();

    public static readonly IReadOnlyList<string> Statuses = [SubscriberStatus.Active, SubscriberStatus.Pending, SubscriberStatus.Unsubscribed, SubscriberStatus.Suspended];

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? Error { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Rows = await subscribers.ListAsync(string.IsNullOrEmpty(Status) ? null : Status, cancellationToken);
        Counts = await subscribers.CountsAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAddAsync(string? email, string? name, CancellationToken cancellationToken)
    {
        try
        {
            var added = await subscribers.AddAsync(email ?? string.Empty, name, "web", WebApp.Actor(User), cancellationToken);
            Notice = $"{added.Email}: {Texts.T(added.Status)}";
        }
        catch (ArgumentException)
        {
            Error = Texts.T("Enter a valid e-mail address.");
        }

        return Redirect("/subscribers");
    }

    public async Task<IActionResult> OnPostRemoveAsync(string email, CancellationToken cancellationToken)
    {
        await subscribers.RemoveAsync(email, WebApp.Actor(User), cancellationToken);
        Notice = $"{email}: {Texts.T(SubscriberStatus.Unsubscribed)}";
        return Redirect("/subscribers");
    }

    /// <summary>Lifts a suspension for hard bounces: an admin's decision (the bounces may have been the relay's fault).</summary>
    public async Task<IActionResult> OnPostReactivateAsync(string email, CancellationToken cancellationToken)
    {
        if (!User.IsInRole(Features.Accounts.UserStore.Admin))
        {
            return Forbid();
        }

        if (await subscribers.LiftSuspensionAsync(email, WebApp.Actor(User), cancellationToken))
        {
            Notice = $"{email}: {Texts.T(SubscriberStatus.Active)}";
        }
        else
        {
            Error = $"{email}: {Texts.T("not a suspended subscriber")}";
        }

        return Redirect("/subscribers");
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            Error = Texts.T("Choose a CSV file (header line: email,name).");
            return Redirect("/subscribers");
        }

        using var reader = new StreamReader(file.OpenReadStream(), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        try
        {
            var result = await subscribers.ImportCsvAsync(reader, $"import:{Path.GetFileName(file.FileName)}", WebApp.Actor(User), cancellationToken);
            Notice = $"{result.Added} {Texts.T("added")}, {result.Reactivated} {Texts.T("reactivated")}, {result.Unchanged} {Texts.T("unchanged")}, {result.KeptUnsubscribed} {Texts.T("kept unsubscribed")}, {result.Rejected.Count} {Texts.T("skipped")}";
        }
        catch (InvalidDataException ex)
        {
            Error = ex.Message;
        }

        return Redirect("/subscribers");
    }
}
