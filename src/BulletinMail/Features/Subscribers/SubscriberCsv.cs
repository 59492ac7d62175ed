using BulletinMail.Features.Extraction;
using BulletinMail.Mail;
using nietras.SeparatedValues;

namespace BulletinMail.Features.Subscribers;

/// <summary>One usable row of a subscriber list: its line in the file (the first, when a quoted name spans lines).</summary>
public sealed record SubscriberRow(int Line, string Email, string? Name);

/// <summary>A row that cannot be imported, and why (a key of the UI's texts).</summary>
public sealed record InvalidRow(int Line, string Email, string Reason);

/// <summary>A subscriber list as read from a CSV file, before anything is compared or stored.</summary>
public sealed record SubscriberList(string Charset, IReadOnlyList<SubscriberRow> Rows, IReadOnlyList<InvalidRow> Invalid);

/// <summary>
/// Reads a subscriber list as spreadsheets export it (issue 12): any charset intake reads
/// (a GBK or Big5 export of Chinese Excel, UTF-8 with or without a BOM), the separator Excel's
/// locale chose, quoted fields over several lines, and the e-mail and name columns in any order
/// under English or Chinese headers.
/// </summary>
public static class SubscriberCsv
{
    public const string NotAnAddress = "not an e-mail address";
    public const string Repeated = "the same address as an earlier row";

    /// <summary>The message when no header names the e-mail column; also a key of the UI's texts.</summary>
    public const string NoEmailHeader = "The first line must name the columns: the e-mail address as email, 邮箱, 电子邮件 or 邮件地址; the name (optional) as name, 姓名 or 名称.";

    // Simplified and traditional (a Big5 export from Taiwan or Hong Kong).
    private static readonly string[] EmailHeaders = ["email", "e-mail", "邮箱", "电子邮件", "邮件地址", "电子邮箱", "邮箱地址", "郵箱", "電子郵件", "郵件地址"];
    private static readonly string[] NameHeaders = ["name", "姓名", "名称", "名稱"];

    /// <summary>Reads the file's bytes; every row is either usable or invalid with its reason.</summary>
    /// <exception cref="InvalidDataException">No header names the e-mail column (<see cref="NoEmailHeader"/>).</exception>
    public static SubscriberList Read(ReadOnlySpan<byte> bytes)
    {
        var decoded = TextDecoder.Decode(bytes);
        var rows = new List<SubscriberRow>();
        var invalid = new List<InvalidRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = Sep.Reader(o => o with { HasHeader = false, Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true })
            .FromText(decoded.Text);
        int email = -1, name = -1;
        foreach (var row in reader)
        {
            var fields = new string[row.ColCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = row[i].ToString();
            }

            if (fields.All(string.IsNullOrEmpty))
            {
                continue;
            }

            if (email < 0)
            {
                email = Array.FindIndex(fields, f => EmailHeaders.Contains(f, StringComparer.OrdinalIgnoreCase));
                name = Array.FindIndex(fields, f => NameHeaders.Contains(f, StringComparer.OrdinalIgnoreCase));
                if (email < 0)
                {
                    throw new InvalidDataException(NoEmailHeader);
                }

                continue;
            }

            var address = email < fields.Length ? fields[email] : string.Empty;
            var line = row.LineNumberFrom;
            if (!MailAddresses.IsBare(address))
            {
                invalid.Add(new InvalidRow(line, address, NotAnAddress));
            }
            else if (!seen.Add(SubscriberStore.Normalize(address)))
            {
                invalid.Add(new InvalidRow(line, address, Repeated));
            }
            else
            {
                rows.Add(new SubscriberRow(line, address, name >= 0 && name < fields.Length && fields[name].Length > 0 ? fields[name] : null));
            }
        }

        return email < 0 ? throw new InvalidDataException(NoEmailHeader) : new SubscriberList(decoded.Charset, rows, invalid);
    }
}
