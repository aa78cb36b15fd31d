using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Execution;

/// <summary>
/// Brings one side's observations in the state store up to date: from its change feed when the
/// engine has one and a cursor is stored (each page committed with its cursor), otherwise by a full
/// listing merged with the stored states in key order (committed in batches; the feed cursor taken
/// before the listing is committed with the last batch).
/// </summary>
internal sealed class SyncObserver(ISyncStateStore store, SyncOptions options, IProgress<SyncProgress>? progress)
{
    private const int Batch = 500;

    /// <summary>Reserved keys (trash, temporary names) that are never synced.</summary>
    public static string ReservedPrefix(SyncOptions options) => options.Prefix + ".atomiton-sync/";

    /// <summary>Observes <paramref name="side"/>; returns why the run must be a merge, or null.</summary>
    public async Task<string?> ObserveAsync(SyncSide side, SyncEndpoint endpoint, bool forceListing, CancellationToken cancellationToken)
    {
        var engine = endpoint.Engine;
        bool feed = engine.Capabilities.HasFlag(StorageCapabilities.ChangeFeed);
        var pair = (await store.GetPairAsync(cancellationToken))!;
        if (feed && !forceListing && pair.CursorOf(side) is { } cursor)
        {
            try
            {
                await ReadFeedAsync(side, engine, cursor, cancellationToken);
                return null;
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.CursorExpired)
            {
                await ListAsync(side, endpoint, cancellationToken);
                return e.CursorTrust == ChangeCursorTrust.Untrusted
                    ? $"side {side}'s change cursor is untrusted (the store went back in time or was replaced): this run is a merge that propagates no deletion"
                    : null;
            }
        }

        await ListAsync(side, endpoint, cancellationToken);
        return null;
    }

    private async Task ReadFeedAsync(SyncSide side, IStorageEngine engine, string cursor, CancellationToken cancellationToken)
    {
        string reserved = ReservedPrefix(options);
        long seen = 0;
        while (true)
        {
            var page = await engine.ReadChangesAsync(cursor, new ChangeReadOptions { PageSize = options.PageSize }, cancellationToken);
            var latest = new Dictionary<string, SyncVersion?>(StringComparer.Ordinal);
            foreach (var change in page.Changes)
            {
                if (change.PreviousKey is { } previous && Synced(previous, reserved))
                {
                    latest[previous] = null;
                }

                if (Synced(change.Key, reserved))
                {
                    latest[change.Key] = change.Kind == StorageChangeKind.Deleted || change.Item is null ? null : SyncVersion.From(change.Item);
                }
            }

            var states = new List<SyncKeyState>(latest.Count);
            foreach (var (key, version) in latest)
            {
                var state = await store.GetAsync(key, cancellationToken) ?? new SyncKeyState(key, null, null, null);
                var now = Keep(state.Of(side), version);
                if (state.Of(side) != now)
                {
                    states.Add(state.With(side, now));
                }
            }

            var pair = (await store.GetPairAsync(cancellationToken))!;
            await store.CommitAsync(new SyncStateCommit { Keys = states, Pair = pair.WithCursor(side, page.Cursor) }, cancellationToken);
            seen += page.Changes.Count;
            progress?.Report(new SyncProgress($"observe {side}", seen, null));
            cursor = page.Cursor;
            if (!page.HasMore)
            {
                return;
            }
        }
    }

    private async Task ListAsync(SyncSide side, SyncEndpoint endpoint, CancellationToken cancellationToken)
    {
        var engine = endpoint.Engine;
        string reserved = ReservedPrefix(options);
        string? cursor = engine.Capabilities.HasFlag(StorageCapabilities.ChangeFeed)
            ? await engine.GetChangeCursorAsync(options.Prefix, cancellationToken)
            : null;
        var listing = ListSyncedAsync(engine, reserved, cancellationToken);
        await using var listed = listing.GetAsyncEnumerator(cancellationToken);
        await using var stored = store.ReadAllAsync(options.Prefix, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool moreListed = await listed.MoveNextAsync(), moreStored = await stored.MoveNextAsync();
        var batch = new List<SyncKeyState>(Batch);
        long seen = 0;
        while (moreListed || moreStored)
        {
            int order = !moreListed ? 1 : !moreStored ? -1 : string.CompareOrdinal(listed.Current.Key, stored.Current.Key);
            SyncKeyState state;
            SyncVersion? now;
            if (order < 0)
            {
                state = new SyncKeyState(listed.Current.Key, null, null, null);
                now = listed.Current.Version;
                moreListed = await listed.MoveNextAsync();
            }
            else if (order > 0)
            {
                state = stored.Current;
                now = null;
                moreStored = await stored.MoveNextAsync();
            }
            else
            {
                state = stored.Current;
                now = listed.Current.Version;
                moreListed = await listed.MoveNextAsync();
                moreStored = await stored.MoveNextAsync();
            }

            now = Keep(state.Of(side), now);
            if (state.Of(side) != now)
            {
                batch.Add(state.With(side, now));
            }

            if (batch.Count >= Batch)
            {
                await store.CommitAsync(new SyncStateCommit { Keys = [.. batch] }, cancellationToken);
                batch.Clear();
            }

            if (++seen % 1000 == 0)
            {
                progress?.Report(new SyncProgress($"observe {side}", seen, null));
            }
        }

        var pair = (await store.GetPairAsync(cancellationToken))!;
        await store.CommitAsync(new SyncStateCommit { Keys = batch, Pair = pair.WithCursor(side, cursor) }, cancellationToken);
        progress?.Report(new SyncProgress($"observe {side}", seen, seen));
    }

    /// <summary>The side's synced keys in ordinal order (sorted here when the engine lists in its own order).</summary>
    private async IAsyncEnumerable<(string Key, SyncVersion Version)> ListSyncedAsync(IStorageEngine engine, string reserved,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var entries = engine.ListAsync(new ListOptions { Prefix = options.Prefix, PageSize = options.PageSize }, cancellationToken);
        if (engine.Capabilities.HasFlag(StorageCapabilities.OrderedList))
        {
            await foreach (var entry in entries)
            {
                if (entry.IsObject && Synced(entry.Key, reserved))
                {
                    yield return (entry.Key, SyncVersion.From(entry.Item ?? await engine.StatAsync(entry.Key, cancellationToken)));
                }
            }

            yield break;
        }

        var all = new List<(string, SyncVersion)>();
        await foreach (var entry in entries)
        {
            if (entry.IsObject && Synced(entry.Key, reserved))
            {
                all.Add((entry.Key, SyncVersion.From(entry.Item ?? await engine.StatAsync(entry.Key, cancellationToken))));
            }
        }

        all.Sort((x, y) => string.CompareOrdinal(x.Item1, y.Item1));
        foreach (var item in all)
        {
            yield return item;
        }
    }

    /// <summary>Re-reads one key on both sides (after a failed precondition) and commits what was seen.</summary>
    public static async Task<SyncKeyState> ReobserveAsync(ISyncStateStore store, SyncEndpoint a, SyncEndpoint b, string key, CancellationToken cancellationToken)
    {
        var state = await store.GetAsync(key, cancellationToken) ?? new SyncKeyState(key, null, null, null);
        state = state with
        {
            A = Keep(state.A, await StatAsync(a.Engine, key, cancellationToken)),
            B = Keep(state.B, await StatAsync(b.Engine, key, cancellationToken)),
        };
        await store.CommitAsync(new SyncStateCommit { Keys = [state] }, cancellationToken);
        return state;
    }

    public static async Task<SyncVersion?> StatAsync(IStorageEngine engine, string key, CancellationToken cancellationToken)
    {
        try
        {
            return SyncVersion.From(await engine.StatAsync(key, cancellationToken));
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A new observation of the same ETag keeps the SHA-256 measured earlier when the engine reports none.</summary>
    internal static SyncVersion? Keep(SyncVersion? stored, SyncVersion? now) =>
        now is not null && stored is not null && now.ETag == stored.ETag && now.Sha256 is null && stored.Sha256 is not null ? stored : now;

    private bool Synced(string key, string reserved) =>
        key.StartsWith(options.Prefix, StringComparison.Ordinal) && !key.StartsWith(reserved, StringComparison.Ordinal);
}
