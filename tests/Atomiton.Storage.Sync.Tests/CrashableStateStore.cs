using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// A state store that dies with the simulated process: once <see cref="Crashed"/> is set, every
/// commit throws <see cref="SimulatedCrash"/> and reaches nothing durable, as after a real crash
/// (results the executor still held uncommitted are lost). Reset it to "restart".
/// The run lock passes through even after the crash: the dying run's release reaches the store, as if
/// the restart came after its lease ran out (<c>RunLockTests</c> leave a lease behind and take it over).
/// </summary>
internal sealed class CrashableStateStore(ISyncStateStore inner) : ISyncStateStore
{
    public ISyncStateStore Inner { get; set; } = inner;

    public bool Crashed { get; set; }

    public ValueTask<SyncPairState?> GetPairAsync(CancellationToken cancellationToken = default) => Inner.GetPairAsync(cancellationToken);

    public ValueTask<SyncKeyState?> GetAsync(string key, CancellationToken cancellationToken = default) => Inner.GetAsync(key, cancellationToken);

    public IAsyncEnumerable<SyncKeyState> ReadAllAsync(string prefix = "", CancellationToken cancellationToken = default) => Inner.ReadAllAsync(prefix, cancellationToken);

    public IAsyncEnumerable<SyncKeyState> ReadUnsettledAsync(CancellationToken cancellationToken = default) => Inner.ReadUnsettledAsync(cancellationToken);

    public ValueTask<SyncStateCounts> CountAsync(CancellationToken cancellationToken = default) => Inner.CountAsync(cancellationToken);

    public ValueTask CommitAsync(SyncStateCommit commit, CancellationToken cancellationToken = default) =>
        Crashed ? throw new SimulatedCrash("commit after the crash (the process is gone)") : Inner.CommitAsync(commit, cancellationToken);

    public IAsyncEnumerable<SyncLogEntry> ReadLogAsync(CancellationToken cancellationToken = default) => Inner.ReadLogAsync(cancellationToken);

    public ValueTask ResetAsync(CancellationToken cancellationToken = default) =>
        Crashed ? throw new SimulatedCrash("reset after the crash") : Inner.ResetAsync(cancellationToken);

    public ValueTask<SyncRunLockAttempt> TryAcquireRunLockAsync(SyncRunLock candidate, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.TryAcquireRunLockAsync(candidate, now, cancellationToken);

    public async ValueTask<bool> RenewRunLockAsync(string owner, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        bool renewed = await Inner.RenewRunLockAsync(owner, expires, cancellationToken);
        Renewed?.Invoke();
        return renewed;
    }

    /// <summary>Called after each renewal of the run lock reached the store.</summary>
    public Action? Renewed { get; set; }

    public ValueTask ReleaseRunLockAsync(string owner, CancellationToken cancellationToken = default) =>
        KeepsLockOnCrash && Crashed ? throw new SimulatedCrash("release after the crash") : Inner.ReleaseRunLockAsync(owner, cancellationToken);

    public ValueTask<SyncRunLock?> GetRunLockAsync(CancellationToken cancellationToken = default) => Inner.GetRunLockAsync(cancellationToken);

    /// <summary>When set, a crashed run's lock stays behind (its release never reaches the store), as after a real crash.</summary>
    public bool KeepsLockOnCrash { get; set; }

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
