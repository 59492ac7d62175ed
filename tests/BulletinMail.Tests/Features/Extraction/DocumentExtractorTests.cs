using BulletinMail.Features.Extraction;
using BulletinMail.Features.Intake;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Units;

namespace BulletinMail.Tests.Features.Extraction;

public sealed class DocumentExtractorTests
{
    private static readonly DocumentExtractor Extractor = new(new ExtractionOptions());

    private static Task<ExtractedDocument> ExtractAsync(params string[] path) =>
        Extractor.ExtractFileAsync(TestPaths.Data(path), CancellationToken.None);

    [Fact]
    public async Task ExtractFile_ReadsVisibleHtmlText_AndNeverScriptOrStyle()
    {
        var text = (await ExtractAsync("html", "report.html")).Text;

        Assert.Contains("6月3日,在张家港市举行群创成果推广活动;6月15日,赴苏州两家众创空间探讨合作。", text, StringComparison.Ordinal);
        Assert.Contains("• 6月17日,邀请苏州大学教授赴企业对接", text, StringComparison.Ordinal);
        Assert.Contains("6月25日\t举办科普讲座", text, StringComparison.Ordinal);
        Assert.Contains("6月28日,链接完成年度评估", text, StringComparison.Ordinal);
        foreach (var hidden in new[] { "标题不是内容", "样式", "脚本不是内容", "不应出现", "alert" })
        {
            Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExtractFile_RemovesControlCharacters_FromTextAndSubject()
    {
        // Issue 15: an &#x01; in a report's HTML once broke the public feed for good.
        var document = await ExtractAsync("eml", "control-characters.eml");

        Assert.Contains("6月3日,召开理事会换届会议;", document.Text, StringComparison.Ordinal);
        Assert.Contains("6月15日,举办科普讲座。", document.Text, StringComparison.Ordinal);
        Assert.Equal("苏州市科协6月工作情况", document.Subject);
        Assert.DoesNotContain(document.Text, c => char.IsControl(c) && c is not ('\t' or '\n' or '\f')); // \f: the extractor's own section break
    }

    [Theory]
    [InlineData("a\r\nb\rc", "a\nb\nc")]
    [InlineData("a\u0001b\u001bc\u007fd\u0085e\u000bf\u000cg", "abcdefg")]
    [InlineData("6月3日\t召开\n会议", "6月3日\t召开\n会议")]
    public void Clean_KeepsTabAndNewline_AndNothingElseOfControl(string text, string expected) =>
        Assert.Equal(expected, PlainText.Clean(text));

    [Fact]
    public void ForXml_KeepsWhatXmlAllows()
    {
        Assert.Equal("a b😀c", PlainText.ForXml("a\u0001 b\uD83D\uDE00\uFFFEc\uD800"));
    }

    [Fact]
    public async Task ExtractFile_ReadsMalformedHtml_AsBrowsersDo()
    {
        var text = (await ExtractAsync("html", "malformed.html")).Text;

        Assert.Contains("6月3日,未闭合的段落", text, StringComparison.Ordinal);
        Assert.Contains("6月7日,又一段", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractFile_ReadsDocxParagraphsAndTableRows_InOrder()
    {
        var text = (await ExtractAsync("docx", "report.docx")).Text;

        Assert.Equal(
            "苏州市科协6月工作情况\n6月3日,在张家港市举行群创成果推广活动;6月15日,赴苏州两家众创空间探讨合作。\n" +
            "6月17日\t邀请苏州大学教授赴企业进行技术需求对接\n6月20日\t召开学会工作座谈会\n\n7月份工作计划\n1、举办科技工作者日活动",
            text);
    }

    [Fact]
    public async Task ExtractFile_RefusesZipBomb_BeforeInflatingIt()
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => ExtractAsync("docx", "zip-bomb.docx"));

        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-zip.docx", "not a Word .docx document")]
    [InlineData("legacy.doc", "legacy Word .doc")]
    public async Task ExtractFile_ExplainsRefusal_WhenWordFileIsNotDocx(string file, string reason)
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => ExtractAsync("docx", file));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractFile_RefusesBinaryGarbage_AsNotText()
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => ExtractAsync("charsets", "binary.txt"));

        Assert.Contains("does not look like text", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "is empty")]
    [InlineData(100L * 1024 * 1024, "100 MB, over the 25 MB limit")] // sparse: 100 MB on paper, nothing read
    public async Task ExtractFile_RefusesFile_WhenEmptyOrOverTheLimit(long length, string reason)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sized-{Guid.NewGuid():N}.txt");
        await using (var stream = File.Create(path))
        {
            stream.SetLength(length);
        }

        try
        {
            var error = await Assert.ThrowsAsync<ExtractionException>(() => Extractor.ExtractFileAsync(path, CancellationToken.None));
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("missing.txt", "no such file")]
    [InlineData("report.rtf", "unsupported file type")]
    public async Task ExtractFile_ExplainsRefusal_WhenFileCannotBeRead(string file, string reason)
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => ExtractAsync(file));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gb2312-labelled-gbk.eml")]
    [InlineData("no-charset-gbk.eml")]
    public async Task ExtractFile_DecodesGbkMail_WithoutLosingCharacters(string file)
    {
        var document = await ExtractAsync("eml", file);

        Assert.Contains("6月15日,朱镕基科技奖评审会召开", document.Text, StringComparison.Ordinal);
        Assert.Equal("苏州市科协6月工作情况", document.Subject);
        Assert.Equal("report@suzhou.example.org", document.FromAddress);
    }

    [Theory]
    [InlineData("big5.eml")]
    [InlineData("big5-labelled-gb2312.eml")]
    public async Task ExtractFile_DecodesBig5Mail(string file)
    {
        var document = await ExtractAsync("eml", file);

        Assert.Contains("6月15日,舉辦科技成果對接會", document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractFile_ReadsHtmlOnlyMail_WithoutScriptOrHiddenText()
    {
        var text = (await ExtractAsync("eml", "html-only.eml")).Text;

        Assert.Contains("6月15日,赴苏州两家众创空间探讨合作。", text, StringComparison.Ordinal);
        Assert.DoesNotContain("脚本内容", text, StringComparison.Ordinal);
        Assert.DoesNotContain("隐藏内容", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractFile_ReadsDocxAttachment_AfterTheBody()
    {
        var document = await ExtractAsync("eml", "docx-attachment.eml");

        Assert.Contains("6月20日\t召开学会工作座谈会", document.Text, StringComparison.Ordinal);
        var attachment = Assert.Single(document.Attachments!);
        Assert.Equal(("苏州6月.docx", "read"), (attachment.Name, attachment.Status));
    }

    [Fact]
    public async Task ExtractFile_ReadsForwardedMessage_AndItsSubject()
    {
        var document = await ExtractAsync("eml", "forwarded.eml");

        Assert.Contains("6月15日,赴苏州两家众创空间探讨合作。", document.Text, StringComparison.Ordinal);
        Assert.Equal("苏州市科协6月工作情况", document.Subject);
    }

    [Theory]
    [InlineData("legacy-doc-attachment.eml", "legacy Word .doc")]
    [InlineData("zip-bomb-attachment.eml", "zip bomb")]
    public async Task ExtractFile_MarksBadAttachmentFailed_AndKeepsTheRest(string file, string reason)
    {
        var document = await ExtractAsync("eml", file);

        var attachment = Assert.Single(document.Attachments!);
        Assert.Equal("failed", attachment.Status);
        Assert.Contains(reason, attachment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportReader_TakesUnitAndPeriodFromSubject_ForMailedDocx()
    {
        var document = await ExtractAsync("eml", "docx-attachment.eml");
        var reader = new ReportReader(new ReportParser(), UnitRegistry.Empty, TimeProvider.System);

        var report = reader.Read(document)!;

        Assert.Equal(new Period(2016, 6), report.Period);
        Assert.Equal(4, report.Entries.Count(e => e.Section is null));
        Assert.All(report.Entries, e => Assert.Equal("苏州市科协", e.Unit));
        Assert.Contains(report.Entries, e => e.Section == "7月份工作计划" && e.Text == "举办科技工作者日活动");
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Windows\\evil.docx", "evil.docx")]
    [InlineData("report\u202Excod.docx", "reportxcod.docx")]
    [InlineData("...", null)]
    public void SafeName_StripsDirectoriesAndControlCharacters(string name, string? safe)
    {
        Assert.Equal(safe, MessageTextExtractor.SafeName(name));
    }
}
