using System.ComponentModel.DataAnnotations;
using Cronos;

namespace BulletinMail.Platform;

/// <summary>A setting that must be a cron expression Hangfire accepts (<see cref="Crons.Parse"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CronAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        try
        {
            _ = Crons.Parse(value as string ?? string.Empty);
            return ValidationResult.Success;
        }
        catch (CronFormatException ex)
        {
            return new ValidationResult(
                $"{validationContext.DisplayName} is not a cron expression ('{value}': {ex.Message.TrimEnd('.')}); write minute hour day month weekday, e.g. '0 9 5 * *' for 09:00 on the 5th",
                [validationContext.MemberName!]);
        }
    }
}
