namespace BulletinMail.Features.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit log's reader (stores write to it with <see cref="AuditLog.RecordAsync"/>).</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services) => services.AddSingleton<AuditLog>();
}
