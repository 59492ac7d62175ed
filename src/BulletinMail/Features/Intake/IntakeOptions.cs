using System.ComponentModel.DataAnnotations;
using BulletinMail.Platform;

namespace BulletinMail.Features.Intake;

/// <summary>How submissions are judged and answered (<c>Intake</c> in config).</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>The authserv-id of our own MTA's Authentication-Results headers (RFC 8601); others are ignored.</summary>
    public string? AuthServId { get; set; }

    /// <summary>Acknowledge parsed reports from registered senders.</summary>
    public bool Acknowledge { get; set; } = true;

    /// <summary>At most this many acknowledgements to one sender per day (a loop breaker).</summary>
    [Range(0, 1000)]
    public int MaxAcknowledgementsPerSenderPerDay { get; set; } = 5;

    /// <summary>The time zone of "a day" for that limit, and of the schedules.</summary>
    [TimeZoneId]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>When the poll job runs (cron, in <see cref="TimeZone"/>); IMAP IDLE triggers extra polls.</summary>
    [Cron]
    public string PollCron { get; set; } = "* * * * *";

    /// <summary>Intake is unhealthy when the last successful poll is older than this (keep it above the cron's interval).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(3);
}
