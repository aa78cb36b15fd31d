using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Atomiton.Storage.Plugins.Browser.Interop;
using Atomiton.Storage.Sync.State;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.Sync;

/// <summary>
/// A sync pair's state in the browser's IndexedDB (docs/sync.md, "State store"): one database per pair, one record
/// per key (side A's and B's last observed versions and the synced base), the pair record, the log and the run lock.
/// A commit is one <c>readwrite</c> transaction with strict durability, so it is all or nothing and durable when it
/// returns. Reads come in pages of at most <see cref="PageSize"/> states and about 20 KB (Blazor Server's 32 KB
/// message cap), in ordinal key order (IndexedDB orders strings by UTF-16 code unit). Counts come from sparse
/// indexes, not a scan. The run lock is a record read and written in one <c>readwrite</c> transaction, which
/// IndexedDB runs one at a time across every tab and worker of the origin, so two tabs never both acquire it.
/// Works in WebAssembly and Blazor Server (in a circuit). Thread-safe.
/// </summary>
public sealed class IndexedDbSyncStateStore : ISyncStateStore
{
    /// <summary>The most key states one page carries.</summary>
    public const int PageSize = 500;

    private const string Kind = "indexeddb sync state";
    private readonly BrowserModule _module;
    private readonly int _handle;
    private int _disposed;

    private IndexedDbSyncStateStore(BrowserModule module, int handle, string databaseName)
    {
        _module = module;
        _handle = handle;
        DatabaseName = databaseName;
    }

    /// <summary>The database that holds the state.</summary>
    public string DatabaseName { get; }

    /// <summary>
    /// Opens (creating on first use) the state database <paramref name="databaseName"/> — one per pair, for example
    /// <c>"atomiton-sync:notes"</c>. Fails with AccessDenied when the page has no IndexedDB, InvalidConfiguration when
    /// the database exists and is not a sync state database.
    /// </summary>
    public static async Task<IndexedDbSyncStateStore> OpenAsync(IJSRuntime runtime, string databaseName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        var module = new BrowserModule(runtime, Kind);
        try
        {
            int handle = await module.CallAsync<int>("ssOpen", "open", null, cancellationToken, databaseName);
            return new IndexedDbSyncStateStore(module, handle, databaseName);
        }
        catch (StorageException e)
        {
            await module.DisposeAsync();
            throw new StorageException(e.Code, $"Sync state database '{databaseName}': {e.Message}", e) { Provider = Kind, Operation = "open", IsTransient = e.IsTransient };
        }
        catch
        {
            await module.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncPairState?> GetPairAsync(CancellationToken cancellationToken = default)
    {
        string? json = await CallAsync<string?>("ssGetMeta", "get-pair", null, cancellationToken, _handle, "pair");
        return json is null ? null : Read(json, SyncStateBrowserJson.Default.SyncPairState, "the pair record");
    }

    /// <inheritdoc />
    public async ValueTask<SyncKeyState?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var record = await CallAsync<JsSyncKey?>("ssGet", "get", key, cancellationToken, _handle, key);
        return record is null ? null : ToState(record);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SyncKeyState> ReadAllAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return ReadPagesAsync(prefix, unsettled: false, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SyncKeyState> ReadUnsettledAsync(CancellationToken cancellationToken = default) =>
        ReadPagesAsync("", unsettled: true, cancellationToken);

    private async IAsyncEnumerable<SyncKeyState> ReadPagesAsync(string prefix, bool unsettled, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await CallAsync<JsSyncKeyPage>("ssPage", "read", prefix, cancellationToken, _handle, prefix, after, unsettled, PageSize, BrowserEngine.PageByteBudget);
            foreach (var record in page.Items)
            {
                after = record.Key;
                yield return ToState(record);
            }

            if (!page.More || page.Items.Count == 0)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncStateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        var counts = await CallAsync<JsSyncCounts>("ssCount", "count", null, cancellationToken, _handle);
        return new SyncStateCounts(counts.Synced, counts.PresentA, counts.PresentB, counts.Unsettled);
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(SyncStateCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);

        // The last state given for a key wins, as in the other stores.
        var latest = new Dictionary<string, SyncKeyState>(StringComparer.Ordinal);
        foreach (var state in commit.Keys)
        {
            latest[state.Key] = state;
        }

        var puts = latest.Values.Where(s => !s.IsEmpty).Select(ToRecord).ToList();
        var deletes = latest.Values.Where(s => s.IsEmpty).Select(s => s.Key).ToList();
        string? pair = commit.Pair is null ? null : JsonSerializer.Serialize(commit.Pair, SyncStateBrowserJson.Default.SyncPairState);
        var log = commit.Log.Select(line => JsonSerializer.Serialize(line, SyncStateBrowserJson.Default.SyncLogEntry)).ToList();
        cancellationToken.ThrowIfCancellationRequested();

        // Not cancelled once sent: the page commits or not, and the caller must not be told "cancelled" about a commit that happened.
        await CallAsync<bool>("ssCommit", "commit", null, CancellationToken.None, _handle, puts, deletes, pair, log);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SyncLogEntry> ReadLogAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long after = 0;
        while (true)
        {
            var page = await CallAsync<JsSyncLogPage>("ssLog", "read-log", null, cancellationToken, _handle, after, PageSize, BrowserEngine.PageByteBudget);
            foreach (var line in page.Items)
            {
                after = line.Number;
                yield return Read(line.Json, SyncStateBrowserJson.Default.SyncLogEntry, "a log line");
            }

            if (!page.More || page.Items.Count == 0)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncRunLockAttempt> TryAcquireRunLockAsync(SyncRunLock candidate, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        string json = JsonSerializer.Serialize(candidate, SyncStateBrowserJson.Default.SyncRunLock);
        var answer = await CallAsync<JsSyncAcquire>("ssAcquire", "lock", null, CancellationToken.None, _handle,
            candidate.Owner, Ticks(candidate.Expires), json, Ticks(now));
        cancellationToken.ThrowIfCancellationRequested();
        return new SyncRunLockAttempt(answer.Acquired, ReadLock(answer.Holder), answer.TakenOver is { } taken ? ReadLock(taken) : null);
    }

    /// <inheritdoc />
    public async ValueTask<bool> RenewRunLockAsync(string owner, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        string expiresJson = JsonSerializer.Serialize(expires, SyncStateBrowserJson.Default.DateTimeOffset).Trim('"');
        return await CallAsync<bool>("ssRenew", "renew-lock", null, CancellationToken.None, _handle, owner, Ticks(expires), expiresJson);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseRunLockAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        await CallAsync<bool>("ssRelease", "release-lock", null, CancellationToken.None, _handle, owner);
    }

    /// <inheritdoc />
    public async ValueTask<SyncRunLock?> GetRunLockAsync(CancellationToken cancellationToken = default)
    {
        var record = await CallAsync<JsSyncLock?>("ssGetMeta", "get-lock", null, cancellationToken, _handle, "lock");
        return record is null ? null : ReadLock(record.Json);
    }

    /// <inheritdoc />
    public async ValueTask ResetAsync(CancellationToken cancellationToken = default) =>
        await CallAsync<bool>("ssReset", "reset", null, CancellationToken.None, _handle);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _module.ReleaseAsync("ssClose", _handle);

        await _module.DisposeAsync();
    }

    private async ValueTask<T> CallAsync<[DynamicallyAccessedMembers(BrowserModule.JsonSerialized)] T>(string function, string operation, string? key, CancellationToken cancellationToken, params object?[] args)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            return await _module.CallAsync<T>(function, operation, key, cancellationToken, args);
        }
        catch (StorageException e) when (e.Code != StorageErrorCode.NetworkError)
        {
            throw new StorageException(e.Code, $"Sync state database '{DatabaseName}': {e.Message}", e)
            { Provider = Kind, Operation = operation, Key = key, IsTransient = e.IsTransient };
        }
    }

    private static string Ticks(DateTimeOffset time) => time.UtcTicks.ToString(CultureInfo.InvariantCulture);

    private SyncKeyState ToState(JsSyncKey record) => new(
        record.Key,
        record.A is null ? null : Read(record.A, SyncStateBrowserJson.Default.SyncVersion, $"side A of '{record.Key}'"),
        record.B is null ? null : Read(record.B, SyncStateBrowserJson.Default.SyncVersion, $"side B of '{record.Key}'"),
        record.Base is null ? null : Read(record.Base, SyncStateBrowserJson.Default.SyncBase, $"the base of '{record.Key}'"));

    private static JsSyncKeyRecord ToRecord(SyncKeyState state) => new()
    {
        Key = state.Key,
        A = state.A is null ? null : JsonSerializer.Serialize(state.A, SyncStateBrowserJson.Default.SyncVersion),
        B = state.B is null ? null : JsonSerializer.Serialize(state.B, SyncStateBrowserJson.Default.SyncVersion),
        Base = state.Base is null ? null : JsonSerializer.Serialize(state.Base, SyncStateBrowserJson.Default.SyncBase),
        PresentA = state.A is null ? 0 : 1,
        PresentB = state.B is null ? 0 : 1,
        Synced = state.Base is null ? 0 : 1,
        Unsettled = state.IsSettled ? 0 : 1,
    };

    private SyncRunLock ReadLock(string json) => Read(json, SyncStateBrowserJson.Default.SyncRunLock, "the run lock");

    private T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new StorageException(StorageErrorCode.Integrity,
                $"Sync state database '{DatabaseName}': {what} is damaged ({e.Message}). Reset the pair's state (the next run is a first run, a merge that deletes nothing).", e)
            { Provider = Kind, Operation = "read" };
        }
    }
}
