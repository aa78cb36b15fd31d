using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// A state store that dies with the simulated process: once <see cref="Crashed"/> is set, every
/// commit throws <see cref="SimulatedCrash"/> and reaches nothing durable, as after a real crash
/// (results the executor still held uncommitted are lost). Reset it to "restart".
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

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
