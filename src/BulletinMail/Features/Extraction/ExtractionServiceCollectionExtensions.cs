using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Extraction;

public static class ExtractionServiceCollectionExtensions
{
    public static IServiceCollection AddExtraction(this IServiceCollection services)
    {
        TextDecoder.EnsureCodePages();
        services.AddOptions<ExtractionOptions>()
            .BindConfiguration(ExtractionOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => new DocumentExtractor(sp.GetRequiredService<IOptions<ExtractionOptions>>().Value));
        return services;
    }
}
