using System.Globalization;

namespace Atomiton.Storage.Sync.State;

/// <summary>
/// A pair's run lock: a lease one run holds in the state store for as long as it runs, renewed while
/// it lives, so a second run of the same pair (another process, another <see cref="SyncPair"/>, the
/// command line run twice) is refused or waits instead of interleaving with it. A lease that ran out
/// (its run crashed or was killed) is taken over by the next run. See docs/sync.md ("One run at a time").
/// </summary>
public sealed record SyncRunLock
{
    /// <summary>A random id of the run that holds the lock (one per run).</summary>
    public required string Owner { get; init; }

    /// <summary>The machine the run is on (<see cref="Environment.MachineName"/>).</summary>
    public required string Host { get; init; }

    /// <summary>The process the run is in.</summary>
    public required int ProcessId { get; init; }

    /// <summary>When the run took the lock (its clock).</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>When the lease runs out unless renewed; from then on the next run may take the lock over.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>True when the lease ran out at <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => now >= Expires;

    /// <summary>The holder for people: host, process and times, e.g. <c>host 'laptop', pid 4242, running since 2026-11-24 15:30:00Z (lease until 2026-11-24 15:32:00Z)</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"host '{Host}', pid {ProcessId}, running since {Since.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z (lease until {Expires.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)");

    /// <summary>The rule every store applies under its own atomicity: free, expired or already the caller's → the caller's; otherwise refused.</summary>
    internal static SyncRunLockAttempt Arbitrate(SyncRunLock? current, SyncRunLock candidate, DateTimeOffset now) => current switch
    {
        null => new SyncRunLockAttempt(true, candidate),
        _ when current.Owner == candidate.Owner => new SyncRunLockAttempt(true, candidate with { Since = current.Since }),
        _ when current.IsExpiredAt(now) => new SyncRunLockAttempt(true, candidate, TakenOver: current),
        _ => new SyncRunLockAttempt(false, current),
    };
}
