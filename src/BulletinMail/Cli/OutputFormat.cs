using System.CommandLine;

namespace BulletinMail.Cli;

internal static class OutputFormat
{
    /// <summary><c>--format</c>, accepting only the given values; the first is the default.</summary>
    public static Option<string> Create(params string[] formats)
    {
        var option = new Option<string>("--format")
        {
            Description = $"output format: {string.Join(", ", formats)}",
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }
}
