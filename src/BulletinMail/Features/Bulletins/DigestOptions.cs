using System.ComponentModel.DataAnnotations;
using BulletinMail.Mail;
using BulletinMail.Platform;

namespace BulletinMail.Features.Bulletins;

/// <summary>The bulletin (<c>Digest</c> in config): its numbering, footer, schedule and delivery. Its title and public site are <see cref="Subscribers.SubscriberOptions"/>.</summary>
public sealed class DigestOptions
{
    public const string Section = "Digest";

    /// <summary>The number of the first issue compiled here; later ones count on from the highest.</summary>
    [Range(1, 1_000_000)]
    public int FirstNumber { get; set; } = 1;

    /// <summary>The List-Id (RFC 2919); default <c>bulletin.</c> and the sender's domain.</summary>
    public string? ListId { get; set; }

    /// <summary>The footer: where to send reports (default the sender address), postal address, contact.</summary>
    public string? SubmissionAddress { get; set; }

    public string? PostalAddress { get; set; }

    public string? Contact { get; set; }

    /// <summary>Close the bulletin with a line naming the units that did not report.</summary>
    public bool ListMissingUnits { get; set; }

    /// <summary>Send on the schedule without an editor's approval.</summary>
    public bool AutoSend { get; set; }

    /// <summary>Where the draft notice goes (the editors' list); none: no notice.</summary>
    public string? EditorsAddress { get; set; }

    /// <summary>The heading of the section for units with no section in the registry.</summary>
    public string OtherSectionTitle { get; set; } = "其他";

    [Range(1, 100)]
    public int HardBounceLimit { get; set; } = 3;

    /// <summary>A temporary failure (4xx) is retried this many times, waiting <see cref="RetryBase"/>, then twice as long each time.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many deliveries one send claims at a time (and at most re-sends after a crash).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>A sender silent this long (it renews its lease every batch) is taken to have crashed: the next send takes over and re-sends what it had in flight.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SenderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A send from the web page waits for an editor to confirm the number of active subscribers when it grew by more than this percentage, and by more than <see cref="SendConfirmGrowthMinimum"/>, since the last sent issue.</summary>
    [Range(0, 10_000)]
    public int SendConfirmGrowthPercent { get; set; } = 20;

    [Range(0, 10_000_000)]
    public int SendConfirmGrowthMinimum { get; set; } = 500;

    public ScheduleSettings Schedule { get; set; } = new();

    public DkimSettings Dkim { get; set; } = new();

    /// <summary>The monthly schedule, as cron expressions in <see cref="TimeZone"/> (Hangfire's syntax).</summary>
    public sealed class ScheduleSettings
    {
        /// <summary>Remind units that have not reported on the month's report (default the 25th, 09:00).</summary>
        [Cron]
        public string ReminderCron { get; set; } = "0 9 25 * *";

        /// <summary>Compile last month's draft and notify the editors (default the 3rd, 09:00).</summary>
        [Cron]
        public string DraftCron { get; set; } = "0 9 3 * *";

        /// <summary>Send last month's issue if approved, or with <see cref="AutoSend"/> (default the 5th, 09:00).</summary>
        [Cron]
        public string SendCron { get; set; } = "0 9 5 * *";

        [TimeZoneId]
        public string TimeZone { get; set; } = "Asia/Shanghai";
    }
}
