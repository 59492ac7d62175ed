using System.Globalization;
using BulletinMail.Features.Audit;
using BulletinMail.Features.Review;
using BulletinMail.Web;

namespace BulletinMail.Tests.Web;

/// <summary>The features' English errors and the audit log's rows read as Chinese sentences in the Chinese UI (issue 12, item 12).</summary>
public sealed class ErrorMessagesTests
{
    [Theory]
    [InlineData("ed is the last admin: make another account admin first", "ed 是最后一位管理员:请先将另一个账户设为管理员。")]
    [InlineData("user ed already exists", "用户 ed 已存在。")]
    [InlineData("a password has at least 12 characters", "密码至少需要 12 个字符。")]
    [InlineData("issue 21 (2016-06) is sent: it can no longer change", "第 21 期(2016-06)已发送或正在发送,不能再修改。")]
    [InlineData("保定市 has no sender address to remind; add one in the registry", "保定市 没有可发送提醒的发件地址:请先在单位登记中添加。")]
    [InlineData("something nobody foresaw", "something nobody foresaw")]
    public void Show_IsChinese_WhenTheUiIsChinese(string english, string chinese)
    {
        InCulture("zh-CN", () => Assert.Equal(chinese, ErrorMessages.Show(english)));
        InCulture("en", () => Assert.Equal(english, ErrorMessages.Show(english)));
    }

    [Fact]
    public void AnAuditRow_IsASentence_NotKeysAndJson()
    {
        var entry = new StoredEntry { Id = 45, Period = "2016-06", Unit = "宁波市", DateText = "6月15日", DatePrecision = "day", Text = "召开理事会", Status = EntryStore.Approved };
        var subjects = new AuditSentences.Subjects(new Dictionary<long, StoredEntry> { [45] = entry }, new Dictionary<long, string> { [7] = "a@b.cn" });
        var at = DateTimeOffset.UnixEpoch;
        InCulture("zh-CN", () =>
        {
            Assert.Equal("张三 将 订阅者 a@b.cn 设为 有效", AuditSentences.Describe(new AuditRow(1, at, "张三", "subscriber.active", "subscriber", 7, null, """{"Status":"active","Source":"web"}"""), subjects));
            Assert.Equal("张三 将 订阅者 #8 设为 待确认", AuditSentences.Describe(new AuditRow(2, at, "张三", "subscriber.pending", "subscriber", 8, null, """{"Status":"pending"}"""), subjects));
            Assert.Equal("张三 通过了 条目 #45 (宁波市, 6月15日)", AuditSentences.Describe(new AuditRow(3, at, "张三", "entry.approved", "entry", 45, """{"Status":"pending"}""", """{"Status":"approved"}"""), subjects));
            Assert.Equal(
                "张三 修改了 条目 #45 (宁波市, 6月15日):内容 “召开会议” → “召开理事会”",
                AuditSentences.Describe(new AuditRow(4, at, "张三", "entry.edit", "entry", 45, """{"Date":"6月15日","Text":"召开会议","Unit":"宁波市"}""", """{"Date":"6月15日","Text":"召开理事会","Unit":"宁波市"}"""), subjects));
        });
        InCulture("en", () =>
            Assert.Equal("张三 approved entry #45 (宁波市, 6月15日)", AuditSentences.Describe(new AuditRow(3, at, "张三", "entry.approved", "entry", 45, null, """{"Status":"approved"}"""), subjects)));
    }

    private static void InCulture(string culture, Action test)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            test();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
