namespace BulletinMail.Features.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>The editors' accounts.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services) => services.AddSingleton<UserStore>();
}
