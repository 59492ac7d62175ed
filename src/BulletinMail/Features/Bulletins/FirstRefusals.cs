using System.Text.RegularExpressions;

namespace BulletinMail.Features.Bulletins;

/// <summary>
/// Tells a recipient's refusal from the relay's. A relay that denies us relaying, or blocks our
/// sender, often says so at RCPT TO with a 5xx, one recipient at a time; charging each a hard
/// bounce would suspend the whole list. So the first refusals of a run are held back: when the
/// first <see cref="Judged"/> deliveries are all refused in the same words (the address aside),
/// the relay is refusing us; as soon as one delivery goes through or is refused differently, the
/// held refusals are the recipients' own after all. Used by one writer: not thread-safe.
/// </summary>
public sealed partial class FirstRefusals
{
    /// <summary>How many refusals alike, first in a run, mean the relay refuses everyone.</summary>
    public const int Judged = 10;

    private readonly List<DeliveryResult> held = [];
    private string? words;
    private bool judging = true;

    /// <summary>The relay's words when the first deliveries were all refused alike; null otherwise.</summary>
    public string? AllAlike { get; private set; }

    /// <summary>Takes the next outcome of the run.</summary>
    /// <returns>The outcomes to record now (none while the run's first refusals are being judged).</returns>
    public IReadOnlyList<DeliveryResult> Add(DeliveryResult outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (AllAlike is not null)
        {
            // Still in flight when the run paused: refused alike, not charged either.
            return outcome.Bounced && words == WithoutAddresses(outcome.Error) ? [] : [outcome];
        }

        if (!judging)
        {
            return [outcome];
        }

        if (outcome.Bounced && (words is null || words == WithoutAddresses(outcome.Error)))
        {
            words ??= WithoutAddresses(outcome.Error);
            held.Add(outcome);
            if (held.Count == Judged)
            {
                judging = false;
                AllAlike = outcome.Error;
                held.Clear(); // not the recipients' bounces: their rows go back to pending
            }

            return [];
        }

        judging = false;
        return [.. Release(), outcome];
    }

    /// <summary>Ends the judging (the run is over): the refusals held are the recipients' own.</summary>
    public IReadOnlyList<DeliveryResult> Release()
    {
        judging = false;
        var released = held.ToList();
        held.Clear();
        return released;
    }

    private static string WithoutAddresses(string? error) => Address().Replace(error ?? string.Empty, "<address>");

    [GeneratedRegex(@"<?[^\s<>@]+@[^\s<>]+>?")]
    private static partial Regex Address();
}
