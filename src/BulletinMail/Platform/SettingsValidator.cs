using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace BulletinMail.Platform;

/// <summary>
/// Checks an options object and every settings object nested in it (<c>Outbound:Smtp</c>,
/// <c>Digest:Schedule</c>) against their validation attributes and <see cref="IValidatableObject"/>:
/// ValidateDataAnnotations stops at the top level, so nested <c>[Range]</c>s were never checked
/// (issue 11). Each failure is one line that names the configuration key, e.g.
/// "The field Outbound:Smtp:Port must be between 1 and 65535."
/// </summary>
public sealed class SettingsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(options, section, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(object settings, string key, List<string> failures)
    {
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var value = property.GetValue(settings);
            var path = $"{key}:{property.Name}";
            var context = new ValidationContext(settings) { MemberName = property.Name, DisplayName = path };

            // The first broken rule of a setting is its one line.
            if (property.GetCustomAttributes<ValidationAttribute>().Select(a => a.GetValidationResult(value, context)).FirstOrDefault(r => r is not null) is { } failure)
            {
                failures.Add(failure.ErrorMessage ?? $"{path} is not valid");
            }

            if (value is not null && IsSettingsGroup(property.PropertyType))
            {
                Check(value, path, failures);
            }
        }

        // Rules across settings (an SMTP host when Outbound:Kind is smtp) write their own line, key first.
        if (settings is IValidatableObject validatable)
        {
            failures.AddRange(validatable.Validate(new ValidationContext(settings)).Select(r => r.ErrorMessage ?? $"{key} is not valid"));
        }
    }

    // A nested group is a settings class of ours; strings and framework types are values.
    private static bool IsSettingsGroup(Type type) => type.IsClass && type.Assembly == typeof(SettingsValidator<>).Assembly;
}
