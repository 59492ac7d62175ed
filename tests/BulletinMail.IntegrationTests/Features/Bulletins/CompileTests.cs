using System.Text;
using System.Text.RegularExpressions;
using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using BulletinMail.Features.Units;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BulletinMail.IntegrationTests.Features.Bulletins;

/// <summary>The bulletin compiled from approved entries reads as the house style of issue 21.</summary>
public sealed partial class CompileTests : IAsyncLifetime
{
    private static readonly Period June2016 = new(2016, 6);
    private readonly string maildir = Path.Combine(Path.GetTempPath(), $"bm-compile-{Guid.NewGuid():N}");
    private IntakeHarness harness = null!;

    public async Task InitializeAsync() => harness = await IntakeHarness.ForMaildirAsync(maildir);

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        if (Directory.Exists(maildir))
        {
            Directory.Delete(maildir, recursive: true);
        }
    }

    private T Get<T>() where T : notnull => harness.Services.GetRequiredService<T>();

    [Fact]
    public async Task Bulletin021_ImportedAndApproved_CompilesBackToItsSections()
    {
        await Get<ReportImporter>().ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), June2016, null, CancellationToken.None);
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        await Get<EditorialStore>().SaveAsync("2016-06", [new("总体情况", "中共中央政治局常委……"), new("重点推进", "6月18日,……")], "test", CancellationToken.None);

        var issue = await Get<DigestWorkflow>().CompileAsync(June2016, "test", CancellationToken.None);

        var original = await File.ReadAllTextAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"));
        Assert.Equal(Lines(From(original, "三、")), Lines(Body(issue.TextBody, "三、")));
        Assert.Contains("【本期要闻】", issue.TextBody, StringComparison.Ordinal);
        Assert.Equal(Lines(Between(original, "【本期要闻】", "一、")), Lines(Between(issue.TextBody, "【本期要闻】", "一、")));
        Assert.Equal(91, issue.EntryCount);
        Assert.Equal(IssueState.Draft, issue.State);
    }

    [Fact]
    public async Task AUnitsEntryMarkedAsAHeadline_NamesItsUnit_InTheHeadlines()
    {
        await Get<ReportImporter>().ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), June2016, null, CancellationToken.None);
        var entries = Get<EntryStore>();
        var signing = (await entries.ListAsync("2016-06", EntryStore.Pending, CancellationToken.None)).Single(e => e.Unit == "浙江省" && e.Text.StartsWith("与德清县政府签署", StringComparison.Ordinal));
        Assert.True(await entries.SetHeadlineAsync(signing.Id, true, "test", CancellationToken.None));
        await entries.SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);

        var issue = await Get<DigestWorkflow>().CompileAsync(June2016, "test", CancellationToken.None);

        Assert.Contains("6月18日,浙江省与德清县政府签署《关于全面推进创新驱动发展战略合作框架协议》", Between(issue.TextBody, "【本期要闻】", "一、"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheUnits_MailingTheirOwnParagraphs_CompileToTheSameSections()
    {
        var registry = Get<UnitRegistry>();
        var units = Get<UnitStore>();
        var files = Directory.GetFiles(Path.Combine(IntakeHarness.Fixtures, "units"), "*.txt").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(28, files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var unit = Path.GetFileNameWithoutExtension(files[i])[3..];
            var sender = $"unit{i:00}@units.example.org";
            await units.AddAsync(unit, null, [sender], CancellationToken.None);
            var message = AsMailedBy(i % 5, sender, $"{unit}2016年6月工作进展", await File.ReadAllTextAsync(files[i]));
            using var bytes = new MemoryStream();
            await message.WriteToAsync(bytes);
            await MaildirMailbox.DeliverAsync(maildir, bytes.ToArray(), CancellationToken.None);
        }

        await harness.Poller.PollAsync(null, CancellationToken.None);
        Assert.All(await harness.ListAsync(), s => Assert.Equal(SubmissionStatus.Parsed, s.Status));
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);

        var issue = await Get<DigestWorkflow>().CompileAsync(June2016, "test", CancellationToken.None);

        var original = await File.ReadAllTextAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"));
        Assert.Equal(Lines(From(original, "三、"), ordinals: false), Lines(Body(issue.TextBody, "一、"), ordinals: false));
        Assert.Equal(registry.Sections.Count, Regex.Count(issue.TextBody, "^[一二三四]、", RegexOptions.Multiline));
    }

    [Fact]
    public async Task Recompiling_ReplacesTheDraft_AndASentIssueIsFrozen()
    {
        await Get<ReportImporter>().ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), June2016, null, CancellationToken.None);
        var entries = Get<EntryStore>();
        var all = await entries.ListAsync("2016-06", null, CancellationToken.None);
        await entries.SetStatusAsync([all[10].Id], null, EntryStore.Approved, "test", CancellationToken.None);
        var workflow = Get<DigestWorkflow>();

        var first = await workflow.CompileAsync(June2016, "test", CancellationToken.None);
        Assert.Equal(1, first.EntryCount);
        Assert.True(await workflow.ApproveAsync(June2016, "test", CancellationToken.None));

        await entries.SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        var second = await workflow.CompileAsync(June2016, "test", CancellationToken.None);
        Assert.Equal((first.Id, first.Number, 91, IssueState.Draft), (second.Id, second.Number, second.EntryCount, second.State)); // same issue, back to draft

        // The next period continues the numbering.
        var july = await workflow.CompileAsync(new Period(2016, 7), "test", CancellationToken.None);
        Assert.Equal(first.Number + 1, july.Number);

        var issues = Get<IssueStore>();
        Assert.True(await workflow.ApproveAsync(June2016, "test", CancellationToken.None));
        Assert.True(await issues.TransitionAsync("2016-06", IssueState.Approved, IssueState.Sending, "test", CancellationToken.None));
        await Assert.ThrowsAsync<IssueFrozenException>(() => workflow.CompileAsync(June2016, "test", CancellationToken.None));
        Assert.Equal(second.TextBody, (await issues.GetAsync("2016-06", CancellationToken.None))!.TextBody);
    }

    [Fact]
    public async Task TheHtmlBulletin_IsMailFriendly()
    {
        await Get<ReportImporter>().ImportAsync(Path.Combine(IntakeHarness.Fixtures, "bulletin-021.txt"), June2016, null, CancellationToken.None);
        await Get<EntryStore>().SetStatusAsync([], "2016-06", EntryStore.Approved, "test", CancellationToken.None);
        var issue = await Get<DigestWorkflow>().CompileAsync(June2016, "test", CancellationToken.None);

        Assert.Contains("max-width:640px", issue.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("role=\"presentation\"", issue.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Microsoft YaHei", issue.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<strong>保定市</strong>", issue.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(Bulletin.UnsubscribePlaceholder, issue.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", issue.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("&#x", issue.HtmlBody, StringComparison.Ordinal); // Chinese as characters
    }

    // Each unit mails the way its client does: plain UTF-8, GBK, HTML only, both, or base64 UTF-8.
    private static MimeMessage AsMailedBy(int client, string from, string subject, string text)
    {
        var message = Reports.Plain(from, subject, text);
        var html = $"<html><body><div style=\"font-family:宋体\"><p>{System.Net.WebUtility.HtmlEncode(text.Trim()).Replace("\n", "</p><p>", StringComparison.Ordinal)}</p></div></body></html>";
        message.Body = client switch
        {
            1 => Part("plain", text, "gbk", ContentEncoding.Base64),
            2 => Part("html", html, "utf-8", ContentEncoding.QuotedPrintable),
            3 => new MultipartAlternative { Part("plain", text, "utf-8", ContentEncoding.QuotedPrintable), Part("html", html, "utf-8", ContentEncoding.Base64) },
            4 => Part("plain", text, "utf-8", ContentEncoding.Base64),
            _ => message.Body,
        };
        return message;
    }

    private static TextPart Part(string subtype, string text, string charset, ContentEncoding encoding)
    {
        var part = new TextPart(subtype) { ContentTransferEncoding = encoding };
        part.SetText(Encoding.GetEncoding(charset), text);
        return part;
    }

    private static string From(string text, string marker) => text[text.IndexOf(marker, StringComparison.Ordinal)..];

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    // From the first section heading to the footer rule.
    private static string Body(string compiled, string firstHeading)
    {
        var from = compiled[compiled.IndexOf(firstHeading, StringComparison.Ordinal)..];
        return from[..from.IndexOf("\n——\n", StringComparison.Ordinal)];
    }

    private static List<string> Lines(string text, bool ordinals = true) =>
        [.. text.Split('\n').Select(l => Whitespace().Replace(ordinals ? l : Ordinal().Replace(l, string.Empty), string.Empty)).Where(l => l.Length > 0)];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("^[一二三四五六七八九十]+、")]
    private static partial Regex Ordinal();
}
