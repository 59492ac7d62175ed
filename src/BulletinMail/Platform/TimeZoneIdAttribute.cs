using System.ComponentModel.DataAnnotations;

namespace BulletinMail.Platform;

/// <summary>A setting that must name a time zone this machine knows (IANA, e.g. <c>Asia/Shanghai</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TimeZoneIdAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        return value is string id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _)
            ? ValidationResult.Success
            : new ValidationResult($"{validationContext.DisplayName} is not a known time zone ('{value}'); name one such as Asia/Shanghai or UTC", [validationContext.MemberName!]);
    }
}
