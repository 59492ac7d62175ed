using BulletinMail.Features.Accounts;
using BulletinMail.Features.Subscribers;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>The subscriber list: add, rename, remove; import a CSV file after its preview.</summary>
[RequestSizeLimit(MaxUpload)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUpload)]
public sealed class SubscribersModel(SubscriberStore subscribers, SubscriberImports imports, IBackgroundJobClient jobs) : PageModel
{
    // A list of a few hundred thousand subscribers is some 30 MB: above Kestrel's default limit.
    private const int MaxUpload = 64 * 1024 * 1024;

    /// <summary>The token of the import to preview.</summary>
    [BindProperty(Name = "import", SupportsGet = true)]
    public string? ImportToken { get; set; }

    /// <summary>The import being previewed, and what it would do.</summary>
    public SubscriberImport? Pending { get; private set; }

    public ImportPreview? Preview { get; private set; }

    /// <summary>The address of the subscriber whose name is being edited.</summary>
    [BindProperty(Name = "edit", SupportsGet = true)]
    public string? EditEmail { get; set; }

    public Subscriber? Editing { get; private set; }

    public int JobThreshold => imports.JobThreshold;

    /// <summary>Imports running in the background, and the latest finished one.</summary>
    public IReadOnlyList<SubscriberImport> Imports { get; private set; } = [];

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
        Imports = await imports.RecentAsync(cancellationToken);
        Editing = string.IsNullOrEmpty(EditEmail) ? null : await subscribers.FindAsync(EditEmail, cancellationToken);
        if (await imports.GetAsync(ImportToken, cancellationToken) is { State: SubscriberImports.Previewed } pending)
        {
            Pending = pending;
            Preview = await imports.PreviewAsync(pending, cancellationToken);
        }
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

    /// <summary>Keeps the uploaded list and shows what it would do; nothing changes before the editor confirms.</summary>
    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            Error = Texts.T("Choose a CSV file (header line: email,name).");
            return Redirect("/subscribers");
        }

        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes, cancellationToken);
        try
        {
            var kept = await imports.KeepAsync(bytes.ToArray(), file.FileName, WebApp.Actor(User), cancellationToken);
            return Redirect($"/subscribers?import={kept.Token}");
        }
        catch (InvalidDataException ex)
        {
            Error = ErrorMessages.Show(ex.Message);
            return Redirect("/subscribers");
        }
    }

    /// <summary>Applies a previewed import: a small one at once, a big one as a job whose progress the page shows.</summary>
    public async Task<IActionResult> OnPostConfirmAsync(string? token, CancellationToken cancellationToken)
    {
        if (await imports.GetAsync(token, cancellationToken) is not { State: SubscriberImports.Previewed } import || !await imports.ConfirmAsync(import.Token, cancellationToken))
        {
            Error = Texts.T("This import was applied or discarded already.");
            return Redirect("/subscribers");
        }

        if (import.Total > imports.JobThreshold)
        {
            jobs.Enqueue<SubscriberImports>(job => job.RunAsync(import.Token, CancellationToken.None));
            Notice = Texts.T("The import runs in the background; its progress is shown below.");
            return Redirect("/subscribers");
        }

        await imports.RunAsync(import.Token, cancellationToken);
        var done = (await imports.GetAsync(import.Token, cancellationToken))!;
        Notice = $"{done.Added} {Texts.T("added")}, {done.Renamed} {Texts.T("renamed")}, {done.Reactivated} {Texts.T("reactivated")}, {done.Unchanged} {Texts.T("unchanged")}, {done.KeptUnsubscribed} {Texts.T("kept unsubscribed")}, {done.Invalid} {Texts.T("skipped")}";
        return Redirect("/subscribers");
    }

    public async Task<IActionResult> OnPostDiscardAsync(string? token, CancellationToken cancellationToken)
    {
        if (await imports.GetAsync(token, cancellationToken) is { } import)
        {
            await imports.DiscardAsync(import.Token, cancellationToken);
        }

        return Redirect("/subscribers");
    }

    public async Task<IActionResult> OnPostRenameAsync(string email, string? name, CancellationToken cancellationToken)
    {
        if (!await subscribers.RenameAsync(email ?? string.Empty, name, WebApp.Actor(User), cancellationToken))
        {
            return NotFound();
        }

        Notice = $"{SubscriberStore.Normalize(email!)}: {Texts.T("Saved.")}";
        return Redirect("/subscribers");
    }
}
