using BulletinMail.Data;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Units;
using BulletinMail.Mail;
using BulletinMail.Platform;
using Microsoft.Extensions.Options;

namespace BulletinMail.Hosting;

/// <summary>Says at start-up where the worker reads mail, where it writes, and what it will do.</summary>
internal sealed partial class StartupSummary(
    IOptions<MailboxOptions> mailbox,
    IOptions<OutboundOptions> outbound,
    IOptions<StorageOptions> storage,
    IOptions<IntakeOptions> intake,
    UnitRegistry units,
    IConfiguration configuration,
    ILogger<StartupSummary> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var data = AppPaths.DataDirectory(configuration);
        var source = mailbox.Value.Kind == "imap"
            ? $"IMAP {mailbox.Value.Imap.Host}:{mailbox.Value.Imap.Port} ({mailbox.Value.Imap.Security}), folder {mailbox.Value.Imap.Folder}"
            : $"Maildir {mailbox.Value.Maildir.Path ?? Path.Combine(data, "mailbox")}";
        var sink = outbound.Value.Kind == "smtp"
            ? $"SMTP {outbound.Value.Smtp.Host}:{outbound.Value.Smtp.Port}"
            : $".eml files in {Path.Combine(data, "outbox")}";
        var store = storage.Value.Provider == "postgres" ? "PostgreSQL" : $"SQLite {Path.Combine(data, "bulletinmail.db")}";
        LogReading(source, intake.Value.PollCron, intake.Value.TimeZone);
        LogWriting(sink, outbound.Value.From);
        LogStoring(store, units.Units.Count, units.Sections.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading reports from {Source}, polling on cron '{Cron}' ({TimeZone})")]
    private partial void LogReading(string source, string cron, string timeZone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending mail as {From} to {Sink}")]
    private partial void LogWriting(string sink, string from);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storing state in {Store}; {Units} reporting units in {Sections} sections")]
    private partial void LogStoring(string store, int units, int sections);
}
