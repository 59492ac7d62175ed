using MailKit.Security;

namespace BulletinMail.Mail;

/// <summary>The <c>Security</c> setting of a mail server (<c>None</c>, <c>StartTls</c>, <c>Tls</c>) as MailKit's option.</summary>
public static class MailSecurity
{
    public static SecureSocketOptions ToSocketOptions(string security) => security switch
    {
        "None" => SecureSocketOptions.None,
        "StartTls" => SecureSocketOptions.StartTls,
        "Tls" => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "Security must be None, StartTls or Tls"),
    };
}
