using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Sync.State;

/// <summary>
/// A state store in memory (tests, short-lived processes). Commits are atomic under one lock; reads
/// return a snapshot taken when the enumeration starts. Thread-safe.
/// </summary>
public sealed class MemorySyncStateStore : ISyncStateStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, SyncKeyState> _keys = new(StringComparer.Ordinal);
    private readonly List<SyncLogEntry> _log = [];
    private SyncPairState? _pair;
    private SyncRunLock? _runLock;

    /// <summary>How many commits were applied (tests count state-store work with it).</summary>
    public long Commits { get; private set; }

    /// <inheritdoc />
    public ValueTask<SyncPairState?> GetPairAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_pair);
        }
    }

    /// <inheritdoc />
    public ValueTask<SyncKeyState?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return ValueTask.FromResult(_keys.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SyncKeyState> ReadAllAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        SyncKeyState[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _keys.Values.Where(state => state.Key.StartsWith(prefix, StringComparison.Ordinal))];
        }

        foreach (var state in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return state;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SyncKeyState> ReadUnsettledAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        SyncKeyState[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _keys.Values.Where(state => !state.IsSettled)];
        }

        foreach (var state in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return state;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<SyncStateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            long synced = 0, a = 0, b = 0, unsettled = 0;
            foreach (var state in _keys.Values)
            {
                synced += state.Base is null ? 0 : 1;
                a += state.A is null ? 0 : 1;
                b += state.B is null ? 0 : 1;
                unsettled += state.IsSettled ? 0 : 1;
            }

            return ValueTask.FromResult(new SyncStateCounts(synced, a, b, unsettled));
        }
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(SyncStateCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var state in commit.Keys)
            {
                if (state.IsEmpty)
                {
                    _keys.Remove(state.Key);
                }
                else
                {
                    _keys[state.Key] = state;
                }
            }

            _pair = commit.Pair ?? _pair;
            _log.AddRange(commit.Log);
            Commits++;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SyncLogEntry> ReadLogAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        SyncLogEntry[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _log];
        }

        foreach (var entry in snapshot)
        {
            yield return entry;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _keys.Clear();
            _pair = null;
            Commits++;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>The lock lives in this instance: runs over the same instance exclude each other (in this process).</remarks>
    public ValueTask<SyncRunLockAttempt> TryAcquireRunLockAsync(SyncRunLock candidate, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_gate)
        {
            var attempt = SyncRunLock.Arbitrate(_runLock, candidate, now);
            _runLock = attempt.Acquired ? attempt.Holder : _runLock;
            return ValueTask.FromResult(attempt);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RenewRunLockAsync(string owner, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_runLock?.Owner != owner)
            {
                return ValueTask.FromResult(false);
            }

            _runLock = _runLock with { Expires = expires };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseRunLockAsync(string owner, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _runLock = _runLock?.Owner == owner ? null : _runLock;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<SyncRunLock?> GetRunLockAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_runLock);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
