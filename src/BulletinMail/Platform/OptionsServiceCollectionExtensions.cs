using Microsoft.Extensions.Options;

namespace BulletinMail.Platform;

public static class OptionsServiceCollectionExtensions
{
    /// <summary>
    /// Options bound from a configuration section and checked, nested settings included, by
    /// <see cref="SettingsValidator{TOptions}"/>: when a host starts, when a command validates
    /// (<see cref="IStartupValidator"/>), or when first read.
    /// </summary>
    public static OptionsBuilder<TOptions> AddCheckedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SettingsValidator<TOptions>(section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
