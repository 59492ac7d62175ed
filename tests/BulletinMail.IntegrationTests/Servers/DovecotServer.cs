using System.Diagnostics;
using BulletinMail.Features.Intake;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace BulletinMail.IntegrationTests.Servers;

/// <summary>
/// A real Dovecot (Debian's dovecot-imapd) with a throwaway configuration: Maildir storage in a
/// temporary folder, plain IMAP on a free loopback port, any user name with the one password
/// <see cref="Password"/>; optionally LMTP too (dovecot-lmtpd), for a Postfix to deliver into.
/// Started by the fixture, stopped (and its folder deleted) after the tests.
/// </summary>
public sealed class DovecotServer : IAsyncLifetime
{
    public const string User = "submit";
    public const string Password = "secret-for-tests";
    private const string Binary = "/usr/sbin/dovecot";

    public DovecotServer()
        : this(lmtp: false)
    {
    }

    /// <param name="lmtp">Also accept deliveries over LMTP, on <see cref="LmtpPort"/> (<c>user+detail@any.domain</c> goes to <c>user</c>).</param>
    internal DovecotServer(bool lmtp) => LmtpPort = lmtp ? FreePort.Next() : null;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"bm-dovecot-{Guid.NewGuid():N}");

    public int Port { get; } = FreePort.Next();

    public int? LmtpPort { get; }

    private string ConfigPath => Path.Combine(Directory, "dovecot.conf");

    public MailboxOptions.ImapSettings Settings => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        Security = "None",
        User = User,
        Password = Password,
        Folder = "INBOX",
    };

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install Debian's dovecot-imapd (tests/run.sh does)");
        }

        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "home"));
        File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var lmtp = LmtpPort is { } lmtpPort
            ? $$"""
                service lmtp {
                  inet_listener lmtp {
                    address = 127.0.0.1
                    port = {{lmtpPort}}
                  }
                }
                """
            : string.Empty;
        await File.WriteAllTextAsync(ConfigPath, $$"""
            base_dir = {{Directory}}/run
            state_dir = {{Directory}}/state
            log_path = {{Directory}}/dovecot.log
            protocols = imap{{(LmtpPort is null ? string.Empty : " lmtp")}}
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:~/Maildir
            mail_uid = nobody
            mail_gid = nogroup
            first_valid_uid = 1
            recipient_delimiter = +
            auth_username_format = %Ln
            passdb {
              driver = static
              args = password={{Password}}
            }
            userdb {
              driver = static
              args = home={{Directory}}/home/%Ln allow_all_users=yes
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            {{lmtp}}
            service stats {
              unix_listener stats-reader {
                mode = 0666
              }
              unix_listener stats-writer {
                mode = 0666
              }
            }
            namespace inbox {
              inbox = yes
              separator = /
            }
            """);
        await RunAsync("chown", "nobody:nogroup", Path.Combine(Directory, "home"));
        await StartAsync();
    }

    private Process? master;

    /// <summary>Starts the server in the foreground (-F) as our child, so that it never outlives the tests.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false };
        foreach (var arg in (string[])["-F", "-c", ConfigPath])
        {
            start.ArgumentList.Add(arg);
        }

        master = Process.Start(start)!;
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(20));
        if (LmtpPort is { } lmtpPort)
        {
            await FreePort.WaitUntilListeningAsync(lmtpPort, TimeSpan.FromSeconds(20));
        }
    }

    public async Task StopAsync()
    {
        if (master is null)
        {
            return;
        }

        master.Kill(entireProcessTree: true);
        await master.WaitForExitAsync();
        master.Dispose();
        master = null;
        File.Delete(Path.Combine(Directory, "run", "master.pid"));
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Runs doveadm against this server (e.g. to give a folder a new UIDVALIDITY, as after an index rebuild).</summary>
    public Task DoveadmAsync(params string[] args) => RunAsync("/usr/bin/doveadm", ["-c", ConfigPath, .. args]);

    public Task<ImapClient> ConnectAsync() => ConnectAsync(User);

    public async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        return client;
    }

    /// <summary>APPENDs messages to a folder (INBOX by default), as a mail delivery would.</summary>
    public async Task AppendAsync(IEnumerable<MimeMessage> messages, string folder = "INBOX")
    {
        using var client = await ConnectAsync();
        var target = await client.GetFolderAsync(folder);
        foreach (var message in messages)
        {
            await target.AppendAsync(message);
        }

        await client.DisconnectAsync(true);
    }

    public Task AppendAsync(params MimeMessage[] messages) => AppendAsync(messages.AsEnumerable());

    /// <summary>How many messages a folder holds (0 when it does not exist).</summary>
    public async Task<int> CountAsync(string folder)
    {
        using var client = await ConnectAsync();
        try
        {
            var target = await client.GetFolderAsync(folder);
            await target.OpenAsync(FolderAccess.ReadOnly);
            return target.Count;
        }
        catch (FolderNotFoundException)
        {
            return 0;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process of the server may still hold a file; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>Runs a command to its end; a non-zero exit is an error.</summary>
    internal static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}");
        }
    }
}
