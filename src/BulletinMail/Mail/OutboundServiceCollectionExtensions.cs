using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Mail;

public static class OutboundServiceCollectionExtensions
{
    /// <summary>Outbound mail of <c>Outbound:Kind</c>, the outbox folder (default) or SMTP: the mailer and queue of single messages, and the bulletin's delivery transport.</summary>
    public static IServiceCollection AddOutbound(this IServiceCollection services)
    {
        services.AddCheckedOptions<OutboundOptions>(OutboundOptions.Section);
        services.AddSingleton<IOutboundMailer>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OutboundOptions>>().Value;
            return options.Kind == "smtp"
                ? new SmtpMailer(options.Smtp)
                : new OutboxMailer(Path.Combine(AppPaths.DataDirectory(sp.GetRequiredService<IConfiguration>()), "outbox"));
        });
        services.AddSingleton<OutgoingMail>();
        services.AddSingleton<IDeliveryTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OutboundOptions>>().Value;
            return options.Kind == "smtp"
                ? new SmtpTransport(options.Smtp)
                : new OutboxTransport(Path.Combine(AppPaths.DataDirectory(sp.GetRequiredService<IConfiguration>()), "outbox"));
        });
        return services;
    }
}
