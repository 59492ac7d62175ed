using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Units;
using BulletinMail.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulletinMail.Web.Pages;

/// <summary>The unit registry and a period's board: who has reported, reminders, and each unit's last twelve months.</summary>
public sealed class UnitsModel(UnitBoard board, UnitStore units, Reminders reminders, DisplayFormat format) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    public IReadOnlyList<UnitBoardRow> Rows { get; private set; } = [];

    public IReadOnlyList<string> Sections { get; private set; } = [];

    public Period Shown { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? Error { get; set; }

    /// <summary>Set when a unit was already reminded today: the page asks before another reminder.</summary>
    public (string Unit, DateTimeOffset At)? AskAgain { get; private set; }

    /// <summary>Why the period asked for could not be read (shown beside the field; the default month is shown instead).</summary>
    public string? PeriodError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PeriodError = DisplayFormat.PeriodProblem(Period);
        Shown = format.PeriodOrDefault(Period);
        Period = Shown.ToString();
        var (registry, rows) = await board.LoadAsync(Shown, cancellationToken);
        Rows = rows;
        Sections = registry.Sections;
    }

    /// <summary>Reminds a unit; one already reminded today is asked about first (two reminders seconds apart look careless).</summary>
    public async Task<IActionResult> OnPostRemindAsync(string unit, string period, bool confirm, CancellationToken cancellationToken)
    {
        if (!Features.Parsing.Period.TryParse(period, out var month))
        {
            return Refusal.BadRequest($"{Texts.T("A period is written YYYY-MM, not")} \"{period}\"");
        }

        var (registry, _) = await board.LoadAsync(month, cancellationToken);
        if (registry.FindByName(unit) is { } found)
        {
            if (!confirm && await reminders.LastSentAsync(found.Name, cancellationToken) is { } last && format.IsToday(last))
            {
                await OnGetAsync(cancellationToken);
                AskAgain = (found.Name, last);
                return Page();
            }

            try
            {
                await reminders.SendAsync(found, month, WebApp.Actor(User), cancellationToken);
                Notice = $"{Texts.T("Reminder sent to")} {found.Name} ({string.Join(", ", found.Senders)})";
            }
            catch (InvalidOperationException ex)
            {
                Error = ErrorMessages.Show(ex.Message);
            }
        }

        return Redirect($"/units?period={Uri.EscapeDataString(period)}");
    }

    public async Task<IActionResult> OnPostAddAsync(string? name, string? section, string? senders, string? period, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(name))
        {
            var addresses = UnitEditModel.Lines(senders);
            if (addresses.FirstOrDefault(a => !MailAddresses.IsBare(a)) is { } bad)
            {
                Error = $"{bad}: {Texts.T("not an e-mail address")}";
            }
            else
            {
                await units.AddAsync(name.Trim(), string.IsNullOrWhiteSpace(section) ? null : section.Trim(), addresses, cancellationToken);
                Notice = Texts.T("Saved.");
            }
        }

        return Redirect($"/units?period={Uri.EscapeDataString(period ?? string.Empty)}");
    }
}
