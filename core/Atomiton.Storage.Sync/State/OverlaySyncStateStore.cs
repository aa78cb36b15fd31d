using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Sync.State;

/// <summary>
/// A dry run's view of a store: reads see the inner store plus what the dry run observed; commits
/// stay in memory (only the keys that differ) and never reach the inner store.
/// </summary>
internal sealed class OverlaySyncStateStore(ISyncStateStore inner) : ISyncStateStore
{
    private readonly SortedDictionary<string, SyncKeyState> _changed = new(StringComparer.Ordinal);
    private SyncPairState? _pair;

    public async ValueTask<SyncPairState?> GetPairAsync(CancellationToken cancellationToken = default) =>
        _pair ?? await inner.GetPairAsync(cancellationToken);

    public async ValueTask<SyncKeyState?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        _changed.TryGetValue(key, out var state) ? (state.IsEmpty ? null : state) : await inner.GetAsync(key, cancellationToken);

    public async IAsyncEnumerable<SyncKeyState> ReadAllAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var mine = _changed.Values.Where(state => state.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList().GetEnumerator();
        bool more = mine.MoveNext();
        await foreach (var state in inner.ReadAllAsync(prefix, cancellationToken))
        {
            while (more && string.CompareOrdinal(mine.Current.Key, state.Key) < 0)
            {
                if (!mine.Current.IsEmpty)
                {
                    yield return mine.Current;
                }

                more = mine.MoveNext();
            }

            if (more && mine.Current.Key == state.Key)
            {
                if (!mine.Current.IsEmpty)
                {
                    yield return mine.Current;
                }

                more = mine.MoveNext();
                continue;
            }

            yield return state;
        }

        while (more)
        {
            if (!mine.Current.IsEmpty)
            {
                yield return mine.Current;
            }

            more = mine.MoveNext();
        }
    }

    public async IAsyncEnumerable<SyncKeyState> ReadUnsettledAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var state in inner.ReadUnsettledAsync(cancellationToken))
        {
            if (!_changed.ContainsKey(state.Key))
            {
                yield return state;
            }
        }

        foreach (var state in _changed.Values.Where(state => !state.IsSettled))
        {
            yield return state;
        }
    }

    public async ValueTask<SyncStateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        var counts = await inner.CountAsync(cancellationToken);
        long synced = counts.Synced, a = counts.PresentA, b = counts.PresentB, unsettled = counts.Unsettled;
        foreach (var state in _changed.Values)
        {
            if (await inner.GetAsync(state.Key, cancellationToken) is { } old)
            {
                synced -= old.Base is null ? 0 : 1;
                a -= old.A is null ? 0 : 1;
                b -= old.B is null ? 0 : 1;
                unsettled -= old.IsSettled ? 0 : 1;
            }

            synced += state.Base is null ? 0 : 1;
            a += state.A is null ? 0 : 1;
            b += state.B is null ? 0 : 1;
            unsettled += state.IsSettled ? 0 : 1;
        }

        return new SyncStateCounts(synced, a, b, unsettled);
    }

    public ValueTask CommitAsync(SyncStateCommit commit, CancellationToken cancellationToken = default)
    {
        foreach (var state in commit.Keys)
        {
            _changed[state.Key] = state;
        }

        _pair = commit.Pair ?? _pair;
        return ValueTask.CompletedTask;
    }

    public IAsyncEnumerable<SyncLogEntry> ReadLogAsync(CancellationToken cancellationToken = default) => inner.ReadLogAsync(cancellationToken);

    public ValueTask<SyncRunLockAttempt> TryAcquireRunLockAsync(SyncRunLock candidate, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("A dry run takes no run lock.");

    public ValueTask<bool> RenewRunLockAsync(string owner, DateTimeOffset expires, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("A dry run takes no run lock.");

    public ValueTask ReleaseRunLockAsync(string owner, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("A dry run takes no run lock.");

    public ValueTask<SyncRunLock?> GetRunLockAsync(CancellationToken cancellationToken = default) => inner.GetRunLockAsync(cancellationToken);

    public ValueTask ResetAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException("A dry run does not reset the state.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
