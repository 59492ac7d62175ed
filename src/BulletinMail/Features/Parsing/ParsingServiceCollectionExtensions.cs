using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BulletinMail.Features.Parsing;

public static class ParsingServiceCollectionExtensions
{
    public static IServiceCollection AddReportParser(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services.AddSingleton<ReportParser>();
    }
}
