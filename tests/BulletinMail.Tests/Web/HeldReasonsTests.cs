using System.Globalization;
using BulletinMail.Web;

namespace BulletinMail.Tests.Web;

/// <summary>The reasons intake gives for held and quarantined mail read as Chinese sentences in the Chinese UI, as they are in English.</summary>
public sealed class HeldReasonsTests
{
    [Theory]
    [InlineData("unknown sender a@b.example.org: assign a unit (and remember the sender) or discard", "未知发件人 a@b.example.org:请指定单位(可同时记住该发件人),或丢弃。")]
    [InlineData("there is no unit 新单位 in the registry", "登记表中没有单位“新单位”。")]
    [InlineData("the sender's address cannot be read (From: missing): assign a unit or discard", "无法读取发件人地址,无法确定来源:请丢弃。")]
    [InlineData("sender authentication failed (dmarc=fail); an editor must confirm it", "发件人验证未通过(dmarc=fail):需编辑确认后放行。")]
    [InlineData("cannot tell which month the report is for (no month in the subject or the text)", "无法判断报告所属的月份(主题和正文中都没有月份):请指定期间。")]
    [InlineData("processing failed 3 times, last with: boom; the original is kept", "连续三次处理失败;原件已保留,排除故障后可放行。")]
    [InlineData("不是工作报告", "不是工作报告")] // an editor's own words stay as written
    public void Show_IsASentenceInChinese_WhenTheUiIsChinese(string reason, string chinese)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            Assert.Equal(chinese, HeldReasons.Show(reason));
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal(reason, HeldReasons.Show(reason));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [Theory]
    [InlineData("processing failed 3 times, last with: message 17 is no longer in /var/lib/bulletinmail/mailbox; the original is kept")]
    [InlineData("not a readable mail message: cannot open /srv/data/originals/ab/abcdef.eml")]
    public void Show_LeavesOutTheServersPaths(string reason)
    {
        Assert.DoesNotContain("/var/lib", HeldReasons.WithoutPaths(reason), StringComparison.Ordinal);
        Assert.DoesNotContain("/srv", HeldReasons.WithoutPaths(reason), StringComparison.Ordinal);
        Assert.Equal("see https://example.org/help/held for more", HeldReasons.WithoutPaths("see https://example.org/help/held for more"));
    }
}
