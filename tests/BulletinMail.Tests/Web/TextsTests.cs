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
            "awaiting confirmation", "waiting to send",
        ];
        Assert.DoesNotContain(words, w => !Texts.Chinese.ContainsKey(w));
    }

    /// <summary>The glossary: every key has its word in both languages (English is the key), every parser warning a sentence in both.</summary>
    [Fact]
    public void EveryGlossaryKey_HasBothLanguages_AndEveryWarningASentence()
    {
        Assert.All(Texts.Chinese, pair =>
        {
            Assert.False(string.IsNullOrWhiteSpace(pair.Key), "an empty English key");
            Assert.False(string.IsNullOrWhiteSpace(pair.Value), $"no Chinese for \"{pair.Key}\"");
        });
        string[] codes = ["no-date", "invalid-date", "date-inside-clause", "date-outside-period", "unit-unknown", "unit-not-registered", "long-clause"];
        Assert.All(codes, code =>
        {
            Assert.True(Texts.Warnings.TryGetValue(code, out var english), $"{code} has no sentence");
            Assert.EndsWith(".", english, StringComparison.Ordinal);
            Assert.True(Texts.Chinese.ContainsKey(english), $"{code}: \"{english}\" has no Chinese");
        });
    }

    /// <summary>One word for one thing: approval is 通过 (the act) and 已通过 (the state); 待审 is only an entry waiting for review.</summary>
    [Fact]
    public void TheChineseGlossary_UsesOneWordForEachThing()
    {
        Assert.DoesNotContain(Texts.Chinese, pair => pair.Value.Contains("批准", StringComparison.Ordinal));
        Assert.Equal("通过", Texts.Chinese["Approve"]);
        Assert.Equal("已通过", Texts.Chinese[EntryStore.Approved]);
        Assert.Equal("待确认", Texts.Chinese["awaiting confirmation"]);
        Assert.Equal("待发送", Texts.Chinese["waiting to send"]);
        Assert.NotEqual(Texts.Chinese["Source"], Texts.Chinese["Signed up via"]);
        Assert.All(Texts.Chinese.Where(p => p.Value.Contains("待审", StringComparison.Ordinal)), p =>
            Assert.True(p.Key.Contains("pending", StringComparison.OrdinalIgnoreCase) || p.Key.Contains("review", StringComparison.OrdinalIgnoreCase) || p.Key.Contains("queue", StringComparison.OrdinalIgnoreCase) || p.Key == "Restore", $"\"{p.Key}\" is 待审 but no entry's review"));
    }

    [GeneratedRegex("""\bT\("((?:[^"\\]|\\.)+)"\)""")]
    private static partial Regex Literal();
}
