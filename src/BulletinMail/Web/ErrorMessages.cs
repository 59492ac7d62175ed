using System.Text.RegularExpressions;

namespace BulletinMail.Web;

/// <summary>
/// The errors the features raise in English (the command line shows them as they are), as the
/// Chinese pages say them: each known message a sentence, its details kept; any other as it is.
/// </summary>
public static partial class ErrorMessages
{
    private static readonly (Regex English, string Chinese)[] Known =
    [
        (UserExists(), "用户 $1 已存在。"),
        (RoleMustBe(), "角色只能是 editor(编辑)或 admin(管理员),而不是 $1。"),
        (LastAdmin(), "$1 是最后一位管理员:请先将另一个账户设为管理员。"),
        (UserName(), "用户名须为 1 至 $1 个可打印字符。"),
        (PasswordLength(), "密码至少需要 $1 个字符。"),
        (IssueFrozen(), "第 $1 期($2)已发送或正在发送,不能再修改。"),
        (NoSenderToRemind(), "$1 没有可发送提醒的发件地址:请先在单位登记中添加。"),
        (TemplateDoesNotParse(), "模板 $1 无法解析:$2"),
    ];

    /// <summary>The message in the page's language.</summary>
    public static string Show(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Texts.IsChinese)
        {
            return message;
        }

        foreach (var (english, chinese) in Known)
        {
            if (english.Match(message) is { Success: true } match)
            {
                return match.Result(chinese);
            }
        }

        return Texts.T(message);
    }

    [GeneratedRegex("^user (.+) already exists$")]
    private static partial Regex UserExists();

    [GeneratedRegex("^role must be \\S+ or \\S+, not (.*)$")]
    private static partial Regex RoleMustBe();

    [GeneratedRegex("^(.+) is the last admin: make another account admin first$")]
    private static partial Regex LastAdmin();

    [GeneratedRegex("^a user name is 1 to (\\d+) printable characters$")]
    private static partial Regex UserName();

    [GeneratedRegex("^a password has at least (\\d+) characters$")]
    private static partial Regex PasswordLength();

    [GeneratedRegex("^issue (\\d+) \\((.+)\\) is \\S+: it can no longer change$")]
    private static partial Regex IssueFrozen();

    [GeneratedRegex("^(.+) has no sender address to remind; add one in the registry$")]
    private static partial Regex NoSenderToRemind();

    [GeneratedRegex("^the template (.+) does not parse: (.*)$", RegexOptions.Singleline)]
    private static partial Regex TemplateDoesNotParse();
}
