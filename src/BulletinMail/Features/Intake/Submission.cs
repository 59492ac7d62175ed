using BulletinMail.Features.Parsing;

namespace BulletinMail.Features.Intake;

/// <summary>A message as first recorded, before processing.</summary>
/// <param name="Mailbox">Which mailbox: <c>maildir:PATH</c>, <c>imap:USER@HOST/FOLDER</c>, or <c>import</c>.</param>
/// <param name="SourceKey">The place in the mailbox where there are no UIDs: the Maildir file's unique name.</param>
/// <param name="MessageKey">The Message-ID, or <c>sha256:HASH</c> of the bytes when there is none.</param>
public sealed record NewSubmission(
    string Mailbox,
    long? UidValidity,
    long? Uid,
    string? SourceKey,
    string MessageKey,
    string? MessageId,
    string Sha256,
    long Size,
    string? FromAddress,
    string? Subject,
    string? InReplyTo,
    DateTimeOffset ReceivedAt,
    string Status = SubmissionStatus.Received,
    string? Reason = null,
    string? Unit = null,
    string? Period = null)
{
    /// <summary>The submission this record became, without reading it back.</summary>
    public Submission Stored(long id, string status, DateTimeOffset createdAt) => new()
    {
        Id = id,
        Mailbox = Mailbox,
        UidValidity = UidValidity,
        Uid = Uid,
        SourceKey = SourceKey,
        MessageKey = MessageKey,
        MessageId = MessageId,
        Sha256 = Sha256,
        Size = Size,
        FromAddress = FromAddress,
        Subject = Subject,
        InReplyTo = InReplyTo,
        ReceivedAt = ReceivedAt,
        Status = status,
        Reason = Reason,
        Unit = Unit,
        Period = Period,
        CreatedAt = createdAt,
    };
}

/// <summary>A stored submission.</summary>
public sealed record Submission
{
    public long Id { get; init; }

    public required string Mailbox { get; init; }

    public long? UidValidity { get; init; }

    public long? Uid { get; init; }

    public string? SourceKey { get; init; }

    public required string MessageKey { get; init; }

    public string? MessageId { get; init; }

    public required string Sha256 { get; init; }

    public long Size { get; init; }

    public string? FromAddress { get; init; }

    public string? Subject { get; init; }

    public string? InReplyTo { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public required string Status { get; init; }

    public string? Reason { get; init; }

    public string? Unit { get; init; }

    public string? Period { get; init; }

    public string? ExtractedText { get; init; }

    public string Warnings { get; init; } = "[]";

    public string Attachments { get; init; } = "[]";

    public long? DuplicateOf { get; init; }

    public long? SupersededBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ProcessedAt { get; init; }

    public long EntryCount { get; init; }
}

/// <summary>What recording a message did.</summary>
public enum RecordOutcome
{
    /// <summary>A new submission.</summary>
    Created,

    /// <summary>This place in the mailbox was recorded before (a second poll, a crash before the move).</summary>
    AlreadyRecorded,

    /// <summary>The same message arrived again: recorded as a duplicate of the first.</summary>
    Duplicate,

    /// <summary>The mailbox was renumbered (UIDVALIDITY changed): the existing submission now has the new place.</summary>
    Rekeyed,
}
