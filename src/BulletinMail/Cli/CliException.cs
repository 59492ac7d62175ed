namespace BulletinMail.Cli;

/// <summary>Bad input on the command line: exit 1 with the message as the one line on stderr.</summary>
public sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
