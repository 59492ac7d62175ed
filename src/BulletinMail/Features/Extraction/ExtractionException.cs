namespace BulletinMail.Features.Extraction;

/// <summary>
/// The input cannot be read: the message says why, in words an editor or a contributor can act
/// on (too large, not a Word document, a zip bomb). Thrown for bad input, never for our own faults.
/// </summary>
public sealed class ExtractionException : Exception
{
    public ExtractionException()
    {
    }

    public ExtractionException(string message)
        : base(message)
    {
    }

    public ExtractionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
