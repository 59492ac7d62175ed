using System.Collections.Frozen;
using System.Globalization;

namespace BulletinMail.Web;

/// <summary>
/// The UI's words in Chinese, keyed by their English. A page writes <c>@T("Approve")</c>; the
/// request's culture (the switch, else the browser's language) picks the language. A test checks
/// that every key the pages use has its Chinese here.
/// </summary>
public static class Texts
{
    public static bool IsChinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);

    public static string T(string english) =>
        IsChinese && Chinese.TryGetValue(english, out var chinese) ? chinese : english;

    internal static readonly FrozenDictionary<string, string> Chinese = new Dictionary<string, string>
    {
        // Layout and sign-in
        ["Queue"] = "审核队列",
        ["Held and quarantined"] = "待处理与隔离",
        ["Units"] = "报送单位",
        ["Audit log"] = "操作记录",
        ["Users"] = "用户",
        ["Jobs"] = "后台任务",
        ["Sign in"] = "登录",
        ["Sign out"] = "退出",
        ["User name"] = "用户名",
        ["Password"] = "密码",
        ["Enter your user name and password."] = "请输入用户名和密码。",
        ["Too many wrong passwords: this account is locked for 15 minutes."] = "密码错误次数过多,账号已锁定 15 分钟。",
        ["Wrong user name or password."] = "用户名或密码错误。",
        ["Not allowed"] = "无权访问",
        ["This page is for administrators."] = "此页面仅限管理员。",
        ["Back to the queue"] = "返回审核队列",
        ["There is nothing here."] = "这里没有内容。",
        ["Something went wrong with this request."] = "请求出错了。",

        // Queue
        ["Period"] = "期间",
        ["Status"] = "状态",
        ["Section"] = "栏目",
        ["Unit"] = "单位",
        ["all"] = "全部",
        ["all but superseded"] = "全部(不含已替换)",
        ["low confidence"] = "低置信度",
        ["Show"] = "显示",
        ["Keys"] = "快捷键",
        ["move"] = "移动",
        ["approve"] = "通过",
        ["reject"] = "退回",
        ["edit"] = "编辑",
        ["pending"] = "待审",
        ["approved"] = "已通过",
        ["rejected"] = "已退回",
        ["superseded"] = "已替换",
        ["No entries for this period and these filters."] = "此期间、此筛选条件下没有条目。",
        ["Other"] = "其他",
        ["not in the registry"] = "未登记",
        ["Approve all"] = "全部通过",
        ["Date"] = "日期",
        ["or"] = "或",
        ["From"] = "从",
        ["To"] = "至",
        ["Text"] = "内容",
        ["Save"] = "保存",
        ["Cancel"] = "取消",
        ["date of the clause before"] = "沿用前一条的日期",
        ["headline"] = "要闻",
        ["confidence"] = "置信度",
        ["edited by"] = "编辑者",
        ["Approve"] = "通过",
        ["Reject"] = "退回",
        ["Restore"] = "恢复待审",
        ["Headline"] = "设为要闻",
        ["Not a headline"] = "取消要闻",
        ["move up"] = "上移",
        ["move down"] = "下移",
        ["Edit"] = "编辑",
        ["Source"] = "原件",
        ["recently"] = "近日",
        ["The date is not one this parser reads, or the end is before the start."] = "无法识别该日期,或结束日期早于开始日期。",
        ["The text cannot be empty."] = "内容不能为空。",

        // Parser warnings
        ["no-date"] = "无日期",
        ["invalid-date"] = "日期无效",
        ["date-inside-clause"] = "日期在句中",
        ["date-outside-period"] = "日期不在本期",
        ["unit-unknown"] = "单位不明",
        ["unit-not-registered"] = "单位未登记",
        ["long-clause"] = "句子过长",

        // Submission
        ["Submission"] = "报送",
        ["Subject"] = "主题",
        ["Received"] = "收到时间",
        ["Reason"] = "原因",
        ["Mailbox"] = "邮箱",
        ["Original"] = "原件",
        ["Entries"] = "条目",
        ["Attachments"] = "附件",
        ["Download the original"] = "下载原件",
        ["Show remote images"] = "显示远程图片",
        ["remote images were not loaded"] = "张远程图片未加载",
        ["The message is too large to show here; download the original."] = "邮件过大,无法在此显示;请下载原件。",
        ["Not readable as mail"] = "无法作为邮件读取",
        ["Re-parse"] = "重新解析",
        ["Proposed by a re-parse"] = "重新解析的建议",
        ["Apply to unedited pending entries"] = "应用到未编辑的待审条目",
        ["unchanged"] = "不变",
        ["changed"] = "有改动",
        ["added"] = "新增",
        ["removed"] = "删除",
        ["kept: reviewed or edited by an editor"] = "保留:编辑已审核或修改",
        ["The re-parse finds the same entries."] = "重新解析结果相同。",
        ["This original cannot be read again."] = "无法重新读取此原件。",
        ["Now"] = "现在",
        ["Proposed"] = "建议",
        ["Change"] = "改动",

        // Held and quarantined
        ["Nothing is waiting for an editor."] = "没有待处理的报送。",
        ["Assign"] = "指定单位",
        ["Remember this sender for the unit"] = "记住此发件人属于该单位",
        ["Release"] = "放行",
        ["Discard"] = "丢弃",
        ["why"] = "原因",
        ["held"] = "待处理",
        ["quarantined"] = "已隔离",
        ["discarded"] = "已丢弃",
        ["parsed"] = "已解析",
        ["ignored"] = "已忽略",
        ["duplicate"] = "重复",
        ["received"] = "已收到",
        ["period (optional)"] = "期间(可选)",

        // Units
        ["Reported"] = "已报送",
        ["Not reported"] = "未报送",
        ["Submissions"] = "报送数",
        ["Last reminder"] = "上次提醒",
        ["Last 12 months"] = "近12个月",
        ["Send reminder"] = "发送提醒",
        ["no sender address"] = "无发件地址",
        ["Add a unit"] = "添加单位",
        ["Name"] = "名称",
        ["Order"] = "顺序",
        ["Aliases"] = "别名",
        ["Sender addresses"] = "发件地址",
        ["one per line"] = "每行一个",
        ["Add"] = "添加",
        ["Edit unit"] = "编辑单位",
        ["units have reported"] = "个单位已报送",
        ["Reminder sent to"] = "已发送提醒:",
        ["entries"] = "条",

        // Audit
        ["When"] = "时间",
        ["Who"] = "操作人",
        ["What"] = "操作",
        ["Before"] = "修改前",
        ["After"] = "修改后",
        ["Older"] = "更早",

        // Users
        ["Role"] = "角色",
        ["Last sign-in"] = "上次登录",
        ["Locked until"] = "锁定至",
        ["Add a user"] = "添加用户",
        ["Set password"] = "设置密码",
        ["editor"] = "编辑",
        ["admin"] = "管理员",
        ["Saved."] = "已保存。",
    }.ToFrozenDictionary();
}
