using Cronos;

namespace BulletinMail.Platform;

/// <summary>Cron expressions read the way Hangfire reads a recurring job's: five fields, six with seconds first, or a macro such as <c>@daily</c>.</summary>
public static class Crons
{
    /// <exception cref="FormatException">The expression is not one Hangfire would accept (a Cronos.CronFormatException).</exception>
    public static CronExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);

        // Hangfire's RecurringJobEntity.ParseCronExpression: the field count picks the format, and
        // anything but 5 or 6 fields fails only when the job is first scheduled, after start-up.
        var format = CronFormat.Standard;
        if (!expression.StartsWith('@'))
        {
            var fields = expression.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
            format = fields switch
            {
                5 => CronFormat.Standard,
                6 => CronFormat.IncludeSeconds,
                _ => throw new CronFormatException($"it has {fields} fields, not 5"),
            };
        }

        return CronExpression.Parse(expression, format);
    }
}
