using BulletinMail.Hosting;
using BulletinMail.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulletinMail.Tests.Platform;

/// <summary>Every option checked at start, nested settings, crons and time zones included: one failure per bad setting, naming its key.</summary>
public sealed class SettingsValidatorTests
{
    // The repository's configuration with some keys overridden, validated as `run` and the commands do.
    private static List<string> Failures(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestPaths.RepositoryRoot, "config", "appsettings.json"))
            .AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value))
            .Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddBulletinMail(configuration).BuildServiceProvider();
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex)
        {
            return [.. ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)];
        }
    }

    [Fact]
    public void Validate_AcceptsTheShippedConfiguration() => Assert.Empty(Failures());

    [Theory]
    [InlineData("Outbound:Smtp:Concurrency", "0", "The field Outbound:Smtp:Concurrency must be between 1 and 64.")]
    [InlineData("Outbound:Smtp:Port", "0", "The field Outbound:Smtp:Port must be between 1 and 65535.")]
    [InlineData("Outbound:Smtp:MessageTimeout", "00:00:00", "The field Outbound:Smtp:MessageTimeout must be between 00:00:01 and 01:00:00.")]
    [InlineData("Mailbox:Imap:Port", "70000", "The field Mailbox:Imap:Port must be between 1 and 65535.")]
    [InlineData("Intake:PollCron", "every minute", "Intake:PollCron is not a cron expression ('every minute'")]
    [InlineData("Intake:PollCron", "61 * * * *", "Intake:PollCron is not a cron expression ('61 * * * *'")]
    [InlineData("Digest:Schedule:SendCron", "every fifth at nine", "Digest:Schedule:SendCron is not a cron expression ('every fifth at nine'")]
    [InlineData("Digest:Schedule:DraftCron", "", "Digest:Schedule:DraftCron is not a cron expression")]
    [InlineData("Digest:Schedule:TimeZone", "Mars/Olympus", "Digest:Schedule:TimeZone is not a known time zone ('Mars/Olympus')")]
    [InlineData("Intake:TimeZone", "Shanghai", "Intake:TimeZone is not a known time zone ('Shanghai')")]
    [InlineData("Digest:PublicUrl", "bulletin.example.org", "The Digest:PublicUrl field is not a valid fully-qualified http, https, or ftp URL.")]
    [InlineData("Extraction:MaxMimeDepth", "0", "The field Extraction:MaxMimeDepth must be between 1 and 100.")]
    public void Validate_RefusesWithOneLineNamingTheKey_WhenASettingIsBad(string key, string value, string message)
    {
        var failure = Assert.Single(Failures((key, value)));

        Assert.StartsWith(message, failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("30 0 9 5 * *")] // six fields: seconds first, as Hangfire reads them
    [InlineData("@daily")]
    [InlineData("0 9 L * *")]
    public void Validate_AcceptsCrons_ThatHangfireAccepts(string cron) =>
        Assert.Empty(Failures(("Intake:PollCron", cron), ("Digest:Schedule:SendCron", cron)));

    [Fact]
    public void Validate_ReportsEveryBadSetting_OneLineEach()
    {
        var failures = Failures(("Outbound:Smtp:Concurrency", "0"), ("Outbound:Smtp:Port", "0"), ("Intake:PollCron", "every minute"), ("Digest:Schedule:SendCron", "every fifth at nine"));

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.Contains("Outbound:Smtp:Concurrency", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Outbound:Smtp:Port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Intake:PollCron", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Digest:Schedule:SendCron", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ReadsSixFieldsWithSeconds_LikeHangfire()
    {
        var next = Crons.Parse("30 0 9 5 * *").GetNextOccurrence(new DateTime(2016, 6, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(new DateTime(2016, 6, 5, 9, 0, 30, DateTimeKind.Utc), next);
    }
}
