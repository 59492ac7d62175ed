using System.Text.RegularExpressions;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Review;
using BulletinMail.Features.Subscribers;
using BulletinMail.Web;

namespace BulletinMail.Tests.Web;

/// <summary>Every word the pages show has its Chinese.</summary>
public sealed partial class TextsTests
{
    [Fact]
    public void EveryLiteralThePagesTranslate_HasChinese()
    {
        var web = Path.Combine(TestPaths.RepositoryRoot, "src", "BulletinMail", "Web");
        var keys = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => Literal().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();
        Assert.True(keys.Count > 100, $"only {keys.Count} translated literals found: is the pattern right?");
        Assert.Empty(keys.Where(k => !Texts.Chinese.ContainsKey(k.Key)).Select(k => $"{k.File}: {k.Key}").Distinct());
    }

    [Fact]
    public void EveryStatusAndWarning_HasChinese()
    {
        string[] words =
        [
            .. SubmissionStatus.All, EntryStore.Pending, EntryStore.Approved, EntryStore.Rejected, EntryStore.Superseded,
            .. Enum.GetNames<ReparseChangeKind>().Select(n => n.ToLowerInvariant()),
            BulletinMail.Features.Bulletins.IssueState.Draft, BulletinMail.Features.Bulletins.IssueState.Approved, BulletinMail.Features.Bulletins.IssueState.Sending, BulletinMail.Features.Bulletins.IssueState.Sent,
            BulletinMail.Features.Subscribers.SubscriberStatus.Pending, BulletinMail.Features.Subscribers.SubscriberStatus.Active, BulletinMail.Features.Subscribers.SubscriberStatus.Unsubscribed, BulletinMail.Features.Subscribers.SubscriberStatus.Suspended,
            "no-date", "invalid-date", "date-inside-clause", "date-outside-period", "unit-unknown", "unit-not-registered", "long-clause",
        ];
        Assert.DoesNotContain(words, w => !Texts.Chinese.ContainsKey(w));
    }

    [GeneratedRegex("""\bT\("((?:[^"\\]|\\.)+)"\)""")]
    private static partial Regex Literal();
}
