using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace BulletinMail.IntegrationTests.Servers;

/// <summary>
/// A small real mail system on loopback: Postfix (Debian's, <c>postfix start-fg</c> with a
/// throwaway configuration) receiving SMTP and delivering over LMTP into Dovecot, whose IMAP
/// serves every mailbox (any user, one password). <c>bulletin.example.org</c> holds the
/// submission mailbox (<c>submit</c>; <c>bounces+…</c> is delivered there too);
/// <c>subscribers.example.org</c> holds subscribers; the recipients in <see cref="SoftRefused"/>
/// and <see cref="HardRefused"/> are refused at RCPT with 450 and 550; mail to
/// <c>bounce.example.org</c> is accepted, then bounced (a DSN to the envelope sender).
/// </summary>
public sealed class MailSystem : IAsyncLifetime
{
    public const string Password = DovecotServer.Password;
    public const string SubmissionAddress = "submit@bulletin.example.org";
    public const string SubscriberDomain = "subscribers.example.org";
    public const string BounceDomain = "bounce.example.org";

    public static readonly IReadOnlyList<string> SoftRefused = [.. Enumerable.Range(1, 3).Select(i => $"busy{i}@{SubscriberDomain}")];
    public static readonly IReadOnlyList<string> HardRefused = [.. Enumerable.Range(1, 3).Select(i => $"nobody{i}@{SubscriberDomain}")];

    private readonly string root = Path.Combine(Path.GetTempPath(), $"bm-mail-{Guid.NewGuid():N}");
    private readonly DovecotServer dovecot = new(lmtp: true);
    private Process? postfix;

    public int SmtpPort { get; } = FreePort.Next();

    public int ImapPort => dovecot.Port;

    private int LmtpPort => dovecot.LmtpPort!.Value;

    public async Task InitializeAsync()
    {
        foreach (var binary in (string[])["/usr/sbin/dovecot", "/usr/sbin/postfix"])
        {
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException($"{binary} is missing: install Debian's dovecot-imapd, dovecot-lmtpd and postfix (tests/run.sh does)");
            }
        }

        foreach (var dir in (string[])["postfix/conf", "postfix/queue", "postfix/data"])
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        await dovecot.InitializeAsync();
        await StartPostfixAsync();
    }

    private async Task StartPostfixAsync()
    {
        var dir = Path.Combine(root, "postfix");
        var conf = Path.Combine(dir, "conf");
        await DovecotServer.RunAsync("chown", "postfix", Path.Combine(dir, "data"));
        await File.WriteAllTextAsync(Path.Combine(conf, "access"), string.Join('\n',
            SoftRefused.Select(a => $"{a} 450 4.2.1 mailbox busy, try later").Concat(HardRefused.Select(a => $"{a} 550 5.1.1 no such user"))) + "\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "virtual"), $"bounces@bulletin.example.org {SubmissionAddress}\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "transport"), $"{BounceDomain} error:5.1.1 mailbox unavailable\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {dir}/queue
            data_directory = {dir}/data
            meta_directory = /etc/postfix
            maillog_file = /dev/stdout
            myhostname = mx.bulletin.example.org
            mydomain = bulletin.example.org
            myorigin = bulletin.example.org
            mydestination =
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            alias_maps =
            alias_database =
            local_recipient_maps =
            local_transport = error:local delivery is off
            smtputf8_enable = yes
            smtp_dns_support_level = disabled
            recipient_delimiter = +
            virtual_mailbox_domains = bulletin.example.org {SubscriberDomain}
            virtual_transport = lmtp:inet:127.0.0.1:{LmtpPort}
            virtual_alias_maps = texthash:{conf}/virtual
            transport_maps = texthash:{conf}/transport
            relay_domains = {BounceDomain}
            smtpd_reject_unlisted_recipient = no
            smtpd_recipient_restrictions = check_recipient_access texthash:{conf}/access, permit_mynetworks, reject_unauth_destination
            queue_run_delay = 1s
            minimal_backoff_time = 1s
            maximal_backoff_time = 2s
            delay_warning_time = 0
            """);
        await File.WriteAllTextAsync(Path.Combine(conf, "master.cf"), $"""
            127.0.0.1:{SmtpPort} inet n - n - - smtpd
            pickup    unix  n       -       n       60      1       pickup
            cleanup   unix  n       -       n       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            rewrite   unix  -       -       n       -       -       trivial-rewrite
            bounce    unix  -       -       n       -       0       bounce
            defer     unix  -       -       n       -       0       bounce
            trace     unix  -       -       n       -       0       bounce
            verify    unix  -       -       n       -       1       verify
            flush     unix  n       -       n       1000?   0       flush
            proxymap  unix  -       -       n       -       -       proxymap
            proxywrite unix -       -       n       -       1       proxymap
            smtp      unix  -       -       n       -       -       smtp
            relay     unix  -       -       n       -       -       smtp
            showq     unix  n       -       n       -       -       showq
            error     unix  -       -       n       -       -       error
            retry     unix  -       -       n       -       -       error
            discard   unix  -       -       n       -       -       discard
            lmtp      unix  -       -       n       -       -       lmtp
            anvil     unix  -       -       n       -       1       anvil
            scache    unix  -       -       n       -       1       scache
            postlog   unix-dgram n  -       n       -       1       postlogd
            """);
        postfix = Start("/usr/sbin/postfix", "-c", conf, "start-fg");
        await FreePort.WaitUntilListeningAsync(SmtpPort, TimeSpan.FromSeconds(30));
    }

    /// <summary>Sends a message through Postfix, as a contributor's mail client would.</summary>
    public async Task SendAsync(MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", SmtpPort, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    public Task<ImapClient> ConnectAsync(string user) => dovecot.ConnectAsync(user);

    /// <summary>Every message in a user's INBOX, waiting up to <paramref name="timeout"/> for at least <paramref name="atLeast"/>.</summary>
    public async Task<IReadOnlyList<MimeMessage>> InboxAsync(string user, int atLeast, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var client = await ConnectAsync(user);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            if (client.Inbox.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                var messages = new List<MimeMessage>();
                for (var i = 0; i < client.Inbox.Count; i++)
                {
                    messages.Add(await client.Inbox.GetMessageAsync(i));
                }

                await client.DisconnectAsync(true);
                return messages;
            }

            await client.DisconnectAsync(true);
            await Task.Delay(200);
        }
    }

    public string ImapPortText => ImapPort.ToString(CultureInfo.InvariantCulture);

    public string SmtpPortText => SmtpPort.ToString(CultureInfo.InvariantCulture);

    public async Task DisposeAsync()
    {
        if (postfix is { HasExited: false })
        {
            postfix.Kill(entireProcessTree: true);
            await postfix.WaitForExitAsync();
        }

        postfix?.Dispose();
        await dovecot.DisposeAsync();

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static Process Start(string binary, params string[] args)
    {
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { }; // drain Postfix's log so it never blocks on a full pipe
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
