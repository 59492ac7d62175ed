using System.Text.RegularExpressions;

namespace BulletinMail.Web;

/// <summary>
/// The reasons intake gives for holding or quarantining mail, as the editors read them. Intake
/// writes them in English (the log and the command line show them as they are); the Chinese pages
/// show a sentence for each known beginning, with its detail (an address, a unit), else the original.
/// </summary>
public static partial class HeldReasons
{
    // The beginning of a reason intake writes (SubmissionProcessor, SenderTrust, SubmissionStore), what
    // ends its detail (null: no detail shown), and the Chinese sentence, {0} standing for the detail.
    private static readonly (string Prefix, string? Until, string Chinese)[] Known =
    [
        ("unknown sender ", ":", "未知发件人 {0}:请指定单位(可同时记住该发件人),或丢弃。"),
        ("there is no unit ", " in the registry", "登记表中没有单位“{0}”。"),
        ("the From header names ", null, "发件人栏列出了多个发件人,无法确定来源:请丢弃。"),
        ("the sender's address cannot be read", null, "无法读取发件人地址,无法确定来源:请丢弃。"),
        ("the From header does not name exactly one sender", null, "发件人栏不是恰好一个发件人:需编辑确认后放行。"),
        ("sender authentication failed (", ")", "发件人验证未通过({0}):需编辑确认后放行。"),
        ("our mail server (", null, "我方邮件服务器未能确认发件人所属的域名:需编辑确认后放行。"),
        ("cannot tell which month", null, "无法判断报告所属的月份(主题和正文中都没有月份):请指定期间。"),
        ("no entries found; unreadable attachments: ", null, "未找到条目,有附件无法读取。"),
        ("no dated entries found", null, "正文中没有找到带日期的条目。"),
        ("the message is ", null, "邮件超过大小上限(Extraction:MaxInputBytes);原件已保留。"),
        ("not a readable mail message", null, "不是可读取的邮件;原件已保留。"),
        ("processing failed ", null, "连续三次处理失败;原件已保留,排除故障后可放行。"),
        ("a legacy Word .doc file", null, "旧版 Word .doc 文件无法读取:请对方另存为 .docx、PDF 或纯文本。"),
    ];

    /// <summary>The reason in the page's language.</summary>
    public static string Show(string? reason)
    {
        if (reason is null || !Texts.IsChinese)
        {
            return WithoutPaths(reason);
        }

        foreach (var (prefix, until, chinese) in Known)
        {
            if (reason.StartsWith(prefix, StringComparison.Ordinal))
            {
                var end = until is null ? -1 : reason.IndexOf(until, prefix.Length, StringComparison.Ordinal);
                return chinese.Replace("{0}", end < 0 ? string.Empty : reason[prefix.Length..end], StringComparison.Ordinal);
            }
        }

        return WithoutPaths(reason);
    }

    /// <summary>The reason with the server's folders left out (an error may name the mailbox's path): editors are not shown them.</summary>
    public static string WithoutPaths(string? reason) => reason is null ? string.Empty : AbsolutePath().Replace(reason, "…");

    // A Unix path of two or more parts, not the path of a URL (http://host/path).
    [GeneratedRegex("""(?<![\w:/.])/(?:[^\s/:;,'"()]+/)+[^\s/:;,'"()]*""")]
    private static partial Regex AbsolutePath();
}
