using System.Diagnostics;
using System.Globalization;

namespace BulletinMail.Platform;

/// <summary>
/// Who holds a lease (a bulletin send's, a mailbox poll's): <c>host:pid:run</c>. A holder on this
/// host whose process is gone (killed) is known dead at once, so a takeover need not wait for its
/// lease to go stale; one on another host can only be judged by its silence.
/// </summary>
public static class LeaseHolderIdentity
{
    /// <summary>A new holder of this process (each run is a holder of its own).</summary>
    public static string New() => $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}:{Guid.NewGuid():N}";

    /// <summary>Whether the holder is a process of this host that no longer runs.</summary>
    public static bool IsGone(string holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var parts = holder.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return false; // another run of this process: alive
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }

    /// <summary>The holder as an operator reads it: "process 1234 on host".</summary>
    public static string Describe(string holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var parts = holder.Split(':');
        return parts.Length == 3 ? $"process {parts[1]} on {parts[0]}" : holder;
    }
}
