using BulletinMail.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulletinMail.Features.Extraction;

public static class ExtractionServiceCollectionExtensions
{
    public static IServiceCollection AddExtraction(this IServiceCollection services)
    {
        TextDecoder.EnsureCodePages();
        services.AddCheckedOptions<ExtractionOptions>(ExtractionOptions.Section);
        services.AddSingleton(sp => new DocumentExtractor(sp.GetRequiredService<IOptions<ExtractionOptions>>().Value));
        return services;
    }
}
