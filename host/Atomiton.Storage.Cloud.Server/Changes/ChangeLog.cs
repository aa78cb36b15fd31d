using System.Security.Cryptography;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.State;

namespace Atomiton.Storage.Cloud.Server.Changes;

/// <summary>
/// The server's change log: one file (<c>changes.log</c>, JSON lines) that records every object
/// write the server performs, for the change feed of every tenant.
/// <para>
/// A write runs in one critical section per key (striped async locks; a copy or move holds both
/// keys' stripes): an <c>intent</c> line naming the keys is appended and flushed to disk, the
/// engine writes, and the change (<c>upsert</c>, <c>delete</c>, <c>move</c>) is appended and
/// flushed before the server answers. Flushes to disk are shared (group commit): one fsync makes
/// every line appended before it durable, so concurrent writers do not queue one fsync each. So the log never misses or reorders a write the server
/// acknowledged. A write whose outcome is unknown (the engine failed midway, the request was cut
/// off, the process died) is reconciled: the keys are statted and their state recorded — at once,
/// or at the next start for intents left open by a crash.
/// </para>
/// <para>
/// Changes get sequence numbers 1, 2, … within an epoch, a random id made when the file is
/// created. A missing, unreadable or replaced file starts a new epoch, so cursors of the old one
/// are expired and Untrusted; a cursor past the newest change (a log restored from a backup) is
/// Untrusted too. Changes older than <see cref="CloudServerOptions.ChangeRetention"/> are compacted
/// away (at start and every <see cref="CloudServerOptions.ChangeCompactionInterval"/>); a cursor
/// before them is expired and Trusted. Memory holds one offset per retained change; pages are read
/// from the file.
/// </para>
/// </summary>
internal sealed class ChangeLog : State.IChangeLog
{
    /// <summary>The most log lines one read scans (a tenant with few changes in a busy log gets an advanced cursor and hasMore).</summary>
    public const int MaxScanPerRead = 10_000;

    private const string FileName = "changes.log";
    private const int StripeCount = 256;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly IStorageEngine _engine;
    private readonly CloudServerOptions _options;
    private readonly string _directory;
    private readonly string _path;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, StripeCount).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly SemaphoreSlim _reconcileGate = new(1, 1);
    private readonly Dictionary<long, IReadOnlyList<string>> _openIntents = [];
    private readonly List<long> _offsets = [];
    private readonly HashSet<long> _toReconcile = [];
    private readonly ITimer _compactor;
    private readonly object _syncGate = new();
    private FileStream? _append;
    private FileStream? _sync;
    private long _generation;
    private long _writtenTo;
    private long _syncedGeneration;
    private long _syncedTo;
    private ChangeLogHeader _header = null!;
    private long _latest;
    private long _nextIntent;
    private TaskCompletionSource _changed = NewSignal();

    public ChangeLog(IStorageEngine engine, CloudServerOptions options)
    {
        if (options.ChangeRetention <= TimeSpan.Zero || options.ChangeCompactionInterval <= TimeSpan.Zero || options.MaxChangeWait <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CloudServerOptions.ChangeRetention ({options.ChangeRetention}), ChangeCompactionInterval ({options.ChangeCompactionInterval}) and MaxChangeWait ({options.MaxChangeWait}) must be positive.", nameof(options));
        }

        _engine = engine;
        _options = options;
        _directory = DirectoryOf(options);
        _path = Path.Combine(_directory, FileName);
        _lock.EnterWriteLock();
        try
        {
            LoadLocked();
            CompactLocked();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        _compactor = options.TimeProvider.CreateTimer(_ => Compact(), null, options.ChangeCompactionInterval, options.ChangeCompactionInterval);
    }

    /// <summary>The current epoch (tests compare it).</summary>
    public string Epoch
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _header.Epoch;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public void Dispose()
    {
        _compactor.Dispose();
        _lock.EnterWriteLock();
        try
        {
            _append?.Dispose();
            _append = null;
            Interlocked.Exchange(ref _sync, null)?.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> (an engine write of <paramref name="keys"/>) in the keys' critical
    /// section and records the changes <paramref name="changes"/> derives from its result.
    /// </summary>
    /// <param name="keys">The engine keys the write may change.</param>
    /// <param name="write">The engine write.</param>
    /// <param name="changes">The changes a successful write made.</param>
    /// <param name="refusalsChangeNothing">
    /// True when the engine's refusals (Conflict, NotFound…) mean nothing was written; false for
    /// writes of several steps (a move that copies, then deletes), whose every failure is reconciled.
    /// </param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <param name="claims">Not asked: a server on files keeps no tenant quotas.</param>
    public async Task<T> WriteAsync<T>(IReadOnlyList<string> keys, Func<CancellationToken, Task<T>> write, Func<T, IReadOnlyList<ChangeRecord>> changes, CancellationToken cancellationToken, bool refusalsChangeNothing = true, Func<CancellationToken, Task<IReadOnlyList<QuotaClaim>>>? claims = null)
    {
        await ReconcilePendingAsync(cancellationToken);
        var stripes = keys.Select(StripeOf).Distinct().Order().ToArray();
        int held = 0;
        try
        {
            for (; held < stripes.Length; held++)
            {
                await _stripes[stripes[held]].WaitAsync(cancellationToken);
            }

            long intent = AppendIntent(keys);
            T result;
            try
            {
                result = await write(cancellationToken);
            }
            catch (StorageException e) when (refusalsChangeNothing ? ChangesNothing(e.Code) : e.Code is StorageErrorCode.InvalidKey or StorageErrorCode.InvalidArgument or StorageErrorCode.UnsupportedOperation)
            {
                AppendChanges([], intent);
                throw;
            }
            catch
            {
                await ReconcileAsync(intent, keys);
                throw;
            }

            AppendChanges(changes(result), intent);
            return result;
        }
        finally
        {
            for (int i = 0; i < held; i++)
            {
                _stripes[stripes[i]].Release();
            }
        }
    }

    /// <summary>The cursor after the newest change, for <paramref name="prefix"/> (relative to the tenant).</summary>
    public async Task<ChangeCursor> LatestAsync(string prefix, CancellationToken cancellationToken)
    {
        await ReconcilePendingAsync(cancellationToken);
        _lock.EnterReadLock();
        try
        {
            return _append is null ? throw Unavailable() : new ChangeCursor(_header.Epoch, _latest, prefix);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Up to <paramref name="limit"/> changes after <paramref name="cursor"/> inside <paramref name="tenantPrefix"/>.</summary>
    /// <exception cref="StorageException">CursorExpired (with its trust) for a cursor of another epoch, past the newest change or before the retained ones.</exception>
    public async Task<(IReadOnlyList<WireChange> Changes, ChangeCursor Next, bool HasMore)> ReadAsync(ChangeCursor cursor, string tenantPrefix, int limit, CancellationToken cancellationToken)
    {
        await ReconcilePendingAsync(cancellationToken);
        return Read(cursor, tenantPrefix, limit);
    }

    /// <summary>Waits until a change after <paramref name="cursor"/> inside the tenant exists, or <paramref name="timeout"/> passes.</summary>
    public async Task<bool> WaitAsync(ChangeCursor cursor, string tenantPrefix, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var current = cursor;
        await ReconcilePendingAsync(cancellationToken);
        while (true)
        {
            // Taken before looking, so a change appended between the look and the wait still wakes us.
            var signal = Volatile.Read(ref _changed).Task;
            var (changes, next, hasMore) = Read(current, tenantPrefix, 1);
            if (changes.Count > 0)
            {
                return true;
            }

            current = next;
            if (hasMore)
            {
                continue;
            }

            try
            {
                await signal.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <summary>Removes the changes older than the retention (and the intents and done lines before them).</summary>
    public void Compact()
    {
        _lock.EnterWriteLock();
        try
        {
            CompactLocked();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Retried at the next interval; the log stays as it was (the new file is written beside it first).
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private (IReadOnlyList<WireChange> Changes, ChangeCursor Next, bool HasMore) Read(ChangeCursor cursor, string tenantPrefix, int limit)
    {
        var scope = tenantPrefix + cursor.Prefix;
        var changes = new List<WireChange>(Math.Min(limit, 64));
        long next = cursor.Seq;
        bool hasMore = false;
        _lock.EnterReadLock();
        try
        {
            if (_append is null)
            {
                throw Unavailable();
            }

            CheckCursorLocked(cursor);
            if (cursor.Seq == _latest)
            {
                return (changes, cursor, false);
            }

            using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            long from = _offsets[(int)(cursor.Seq - _header.Floor)];
            int scanned = 0;
            foreach (var (_, line, _) in LineReader.Read(file, from, _append!.Position))
            {
                var record = Parse(line);
                if (record is null || !record.IsChange)
                {
                    continue;
                }

                var change = Visible(record, tenantPrefix, scope);
                if (change is not null)
                {
                    if (changes.Count == limit)
                    {
                        hasMore = true;
                        break;
                    }

                    changes.Add(change);
                }

                next = record.Seq;
                if (++scanned == MaxScanPerRead)
                {
                    hasMore = next < _latest;
                    break;
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return (changes, cursor with { Seq = next }, hasMore);
    }

    private void CheckCursorLocked(ChangeCursor cursor)
    {
        if (!string.Equals(cursor.Epoch, _header.Epoch, StringComparison.Ordinal))
        {
            throw Expired(ChangeCursorTrust.Untrusted,
                "The change cursor belongs to an earlier change log of this server: the log was replaced, lost or restored since (a new epoch). Do not trust what was derived from it: list again, compare, and get a new cursor.");
        }

        if (cursor.Seq > _latest)
        {
            throw Expired(ChangeCursorTrust.Untrusted,
                "The change cursor is ahead of this server's change log: the store went back in time (restored from a backup). Do not trust what was derived from it: list again, compare, and get a new cursor.");
        }

        if (cursor.Seq < _header.Floor)
        {
            throw Expired(ChangeCursorTrust.Trusted,
                $"The changes after this cursor were forgotten: this server keeps changes for {_options.ChangeRetention}. Your state is still a valid history: list again, compare, and get a new cursor.");
        }
    }

    private static StorageException Unavailable() =>
        new(StorageErrorCode.NetworkError, "The server's change log is unavailable, so changes cannot be read. Retry later; if this lasts, tell the operator.")
        { IsTransient = true, RetryAfter = Http.CloudProblem.UnavailableRetryAfter };

    private static StorageException Expired(ChangeCursorTrust trust, string message) =>
        new(StorageErrorCode.CursorExpired, message) { CursorTrust = trust };

    /// <summary>What a reader in <paramref name="tenantPrefix"/> reading <paramref name="scope"/> (tenant prefix + cursor prefix) sees of a change, or null.</summary>
    internal static WireChange? Visible(ChangeRecord record, string tenantPrefix, string scope)
    {
        bool inScope = record.Key is { } key && key.StartsWith(scope, StringComparison.Ordinal);
        string Relative(string engineKey) => engineKey[tenantPrefix.Length..];
        switch (record.Kind)
        {
            case ChangeRecord.Upsert when inScope:
                return new WireChange("upserted", Relative(record.Key!), Item: record.Item?.ForTenant(tenantPrefix));
            case ChangeRecord.Delete when inScope:
                return new WireChange("deleted", Relative(record.Key!));
            case ChangeRecord.Move:
                bool fromInScope = record.From is { } from && from.StartsWith(scope, StringComparison.Ordinal);
                return (inScope, fromInScope) switch
                {
                    (true, true) => new WireChange("moved", Relative(record.Key!), Relative(record.From!), record.Item?.ForTenant(tenantPrefix)),
                    (true, false) => new WireChange("upserted", Relative(record.Key!), Item: record.Item?.ForTenant(tenantPrefix)),
                    (false, true) => new WireChange("deleted", Relative(record.From!)),
                    _ => null,
                };
            default:
                return null;
        }
    }

    /// <summary>Refusals that change nothing: no reconciliation needed.</summary>
    internal static bool ChangesNothing(StorageErrorCode code) => code is StorageErrorCode.Conflict or StorageErrorCode.NotFound
        or StorageErrorCode.InvalidKey or StorageErrorCode.InvalidArgument or StorageErrorCode.UnrepresentableKey
        or StorageErrorCode.ObjectTooLarge or StorageErrorCode.QuotaExceeded or StorageErrorCode.UnsupportedOperation
        or StorageErrorCode.AccessDenied or StorageErrorCode.Integrity;

    private long AppendIntent(IReadOnlyList<string> keys)
    {
        long id;
        (long Generation, long End) written;
        _lock.EnterWriteLock();
        try
        {
            if (_append is null)
            {
                StartNewEpochOrCloseLocked();
            }

            id = ++_nextIntent;
            var record = new ChangeRecord { Kind = ChangeRecord.Intent, IntentId = id, Keys = [.. keys], At = _options.TimeProvider.GetUtcNow() };
            try
            {
                written = WriteLocked([record]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing was written to the engine: refuse the write rather than perform it unlogged.
                throw new StorageException(StorageErrorCode.StorageFull,
                    "The server could not record this write in its change log, so nothing was written. Retry later; if this lasts, tell the operator.", e)
                { IsTransient = true };
            }

            _openIntents[id] = [.. keys];
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        try
        {
            SyncTo(written.Generation, written.End);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AppendChanges([], id);
            throw new StorageException(StorageErrorCode.StorageFull,
                "The server could not record this write in its change log, so nothing was written. Retry later; if this lasts, tell the operator.", e)
            { IsTransient = true };
        }

        return id;
    }

    private void AppendChanges(IReadOnlyList<ChangeRecord> changes, long intent)
    {
        (long Generation, long End) written;
        _lock.EnterWriteLock();
        try
        {
            var now = _options.TimeProvider.GetUtcNow();
            var records = changes.Count == 0
                ? [new ChangeRecord { Kind = ChangeRecord.Done, IntentId = intent, At = now }]
                : changes.Select((change, i) => change with { Seq = _latest + 1 + i, IntentId = intent, At = now }).ToArray();
            try
            {
                written = WriteLocked(records);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The engine has written but the log could not say so: a new epoch makes every cursor
                // expire as Untrusted, so no reader silently misses this write.
                StartNewEpochOrCloseLocked();
                return;
            }

            _openIntents.Remove(intent);
            lock (_toReconcile)
            {
                _toReconcile.Remove(intent);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        try
        {
            SyncTo(written.Generation, written.End);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _lock.EnterWriteLock();
            try
            {
                StartNewEpochOrCloseLocked();
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            return;
        }

        if (changes.Count > 0)
        {
            // Readers are woken once the change is durable, as the writer is answered.
            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        }
    }

    /// <summary>
    /// Makes the log durable up to <paramref name="end"/> of file <paramref name="generation"/> (group commit:
    /// one fsync covers every line appended before it). A file replaced since was written whole and flushed.
    /// </summary>
    private void SyncTo(long generation, long end)
    {
        lock (_syncGate)
        {
            if (Volatile.Read(ref _syncedGeneration) == generation && Volatile.Read(ref _syncedTo) >= end)
            {
                return;
            }

            var sync = Volatile.Read(ref _sync);
            long target = Volatile.Read(ref _writtenTo);
            if (Volatile.Read(ref _generation) != generation || sync is null)
            {
                return;
            }

            try
            {
                sync.Flush(flushToDisk: true);
            }
            catch (ObjectDisposedException)
            {
                return; // replaced meanwhile: the replacement was written whole and flushed
            }

            Volatile.Write(ref _syncedGeneration, generation);
            Volatile.Write(ref _syncedTo, target);
        }
    }

    /// <summary>Records the current state of <paramref name="keys"/> after a write of unknown outcome; on failure keeps the intent for a later try.</summary>
    private async Task ReconcileAsync(long intent, IReadOnlyList<string> keys)
    {
        var records = new List<ChangeRecord>(keys.Count);
        try
        {
            foreach (var key in keys)
            {
                try
                {
                    var item = await _engine.StatAsync(key, CancellationToken.None);
                    records.Add(new ChangeRecord { Kind = ChangeRecord.Upsert, Key = key, Item = WireItem.From(item, string.Empty) });
                }
                catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
                {
                    records.Add(new ChangeRecord { Kind = ChangeRecord.Delete, Key = key });
                }
            }
        }
        catch (StorageException)
        {
            lock (_toReconcile)
            {
                _toReconcile.Add(intent);
            }

            return;
        }

        AppendChanges(records, intent);
    }

    /// <summary>Reconciles intents a crash or an unreachable engine left open, each in its keys' critical section.</summary>
    private async Task ReconcilePendingAsync(CancellationToken cancellationToken)
    {
        lock (_toReconcile)
        {
            if (_toReconcile.Count == 0)
            {
                return;
            }
        }

        await _reconcileGate.WaitAsync(cancellationToken);
        try
        {
            List<(long Id, IReadOnlyList<string> Keys)> pending;
            _lock.EnterReadLock();
            try
            {
                lock (_toReconcile)
                {
                    pending = [.. _toReconcile.Where(_openIntents.ContainsKey).Select(id => (id, _openIntents[id]))];
                    _toReconcile.Clear();
                }
            }
            finally
            {
                _lock.ExitReadLock();
            }

            foreach (var (id, keys) in pending)
            {
                var stripes = keys.Select(StripeOf).Distinct().Order().ToArray();
                int held = 0;
                try
                {
                    for (; held < stripes.Length; held++)
                    {
                        await _stripes[stripes[held]].WaitAsync(cancellationToken);
                    }

                    await ReconcileAsync(id, keys);
                }
                finally
                {
                    for (int i = 0; i < held; i++)
                    {
                        _stripes[stripes[i]].Release();
                    }
                }
            }
        }
        finally
        {
            _reconcileGate.Release();
        }
    }

    private static int StripeOf(string key) => (StringComparer.OrdinalIgnoreCase.GetHashCode(key) & int.MaxValue) % StripeCount;

    /// <summary>Appends lines and hands them to the operating system; <see cref="SyncTo"/> makes them durable.</summary>
    /// <returns>The file's generation and the offset after the lines.</returns>
    private (long Generation, long End) WriteLocked(ChangeRecord[] records)
    {
        var file = _append ?? throw new IOException("The change log is not open.");
        long start = file.Position;
        var offsets = new List<long>(records.Length);
        try
        {
            foreach (var record in records)
            {
                offsets.Add(file.Position);
                file.Write(JsonSerializer.SerializeToUtf8Bytes(record, CloudJson.Options));
                file.WriteByte((byte)'\n');
            }

            file.Flush(flushToDisk: false);
        }
        catch
        {
            try
            {
                file.SetLength(start);
                file.Position = start;
            }
            catch (IOException)
            {
                // The caller starts a new epoch.
            }

            throw;
        }

        for (int i = 0; i < records.Length; i++)
        {
            if (records[i].IsChange)
            {
                _offsets.Add(offsets[i]);
                _latest = records[i].Seq;
            }
        }

        Volatile.Write(ref _writtenTo, file.Position);
        return (_generation, file.Position);
    }

    private void LoadLocked()
    {
        if (!File.Exists(_path))
        {
            StartNewEpochLocked(moveAsideAs: null);
            return;
        }

        using (var file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            ChangeLogHeader? header = null;
            long truncateAt = -1;
            bool corrupt = false;
            foreach (var (offset, line, terminated) in LineReader.Read(file, 0, file.Length))
            {
                if (header is null)
                {
                    header = ParseHeader(line);
                    if (header is null || !terminated)
                    {
                        corrupt = true;
                        break;
                    }

                    _header = header;
                    _latest = header.Floor;
                    continue;
                }

                var record = Parse(line);
                if (record is null || !terminated)
                {
                    // Only the last line may be torn (a crash mid-append, never acknowledged); anything else is damage.
                    truncateAt = offset;
                    continue;
                }

                if (truncateAt >= 0)
                {
                    corrupt = true;
                    break;
                }

                if (!Apply(record, offset))
                {
                    corrupt = true;
                    break;
                }
            }

            if (!corrupt && header is not null && truncateAt >= 0)
            {
                file.SetLength(truncateAt);
                file.Flush(flushToDisk: true);
            }

            if (corrupt || header is null)
            {
                file.Dispose();
                StartNewEpochLocked(moveAsideAs: FileName + ".damaged-" + _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds());
                return;
            }
        }

        _append = OpenAppend();
        lock (_toReconcile)
        {
            _toReconcile.UnionWith(_openIntents.Keys);
        }
    }

    /// <summary>Applies one line read at start; false when it breaks the sequence (damage).</summary>
    private bool Apply(ChangeRecord record, long offset)
    {
        _nextIntent = Math.Max(_nextIntent, record.IntentId);
        switch (record.Kind)
        {
            case ChangeRecord.Intent:
                _openIntents[record.IntentId] = record.Keys ?? [];
                return true;
            case ChangeRecord.Done:
                _openIntents.Remove(record.IntentId);
                return true;
            default:
                if (!record.IsChange || record.Seq != _latest + 1 || record.Key is null)
                {
                    return false;
                }

                _openIntents.Remove(record.IntentId);
                _offsets.Add(offset);
                _latest = record.Seq;
                return true;
        }
    }

    /// <summary>
    /// After a failed append: a new epoch, or — when even that fails — no log file at all, so every
    /// request of the feed fails (and writes are refused) until a new epoch can start.
    /// </summary>
    private void StartNewEpochOrCloseLocked()
    {
        try
        {
            StartNewEpochLocked(moveAsideAs: null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _append?.Dispose();
            _append = null;
            try
            {
                File.Delete(_path);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // The next write tries again before writing anything.
            }
        }
    }

    private void StartNewEpochLocked(string? moveAsideAs)
    {
        _append?.Dispose();
        _append = null;
        if (moveAsideAs is not null && File.Exists(_path))
        {
            File.Move(_path, Path.Combine(_directory, moveAsideAs), overwrite: true);
        }

        _header = new ChangeLogHeader { Format = ChangeLogHeader.CurrentFormat, Epoch = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), Floor = 0 };
        _offsets.Clear();
        _latest = 0;
        var temporary = _path + ".new";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(_header, CloudJson.Options));
            file.WriteByte((byte)'\n');
            foreach (var (id, keys) in _openIntents)
            {
                file.Write(JsonSerializer.SerializeToUtf8Bytes(new ChangeRecord { Kind = ChangeRecord.Intent, IntentId = id, Keys = keys }, CloudJson.Options));
                file.WriteByte((byte)'\n');
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
        _append = OpenAppend();
        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    private void CompactLocked()
    {
        var cutoff = _options.TimeProvider.GetUtcNow() - _options.ChangeRetention;
        if (_offsets.Count == 0 || _append is null)
        {
            return;
        }

        // Count the leading changes older than the cutoff.
        int drop = 0;
        long keepFrom = -1;
        using (var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            foreach (var (offset, line, _) in LineReader.Read(file, _offsets[0], _append.Position))
            {
                var record = Parse(line);
                if (record is null || !record.IsChange)
                {
                    continue;
                }

                if (record.At >= cutoff)
                {
                    keepFrom = offset;
                    break;
                }

                drop++;
            }
        }

        if (drop == 0)
        {
            return;
        }

        keepFrom = keepFrom < 0 ? _append.Position : keepFrom;
        var header = _header with { Floor = _header.Floor + drop };
        var temporary = _path + ".new";
        long shift;
        using (var target = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            target.Write(JsonSerializer.SerializeToUtf8Bytes(header, CloudJson.Options));
            target.WriteByte((byte)'\n');
            foreach (var (id, keys) in _openIntents)
            {
                target.Write(JsonSerializer.SerializeToUtf8Bytes(new ChangeRecord { Kind = ChangeRecord.Intent, IntentId = id, Keys = keys }, CloudJson.Options));
                target.WriteByte((byte)'\n');
            }

            shift = target.Position - keepFrom;
            using var source = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            source.Seek(keepFrom, SeekOrigin.Begin);
            var buffer = new byte[64 * 1024];
            for (long remaining = _append.Position - keepFrom; remaining > 0;)
            {
                int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0)
                {
                    throw new IOException("The change log ended early while being compacted.");
                }

                target.Write(buffer, 0, read);
                remaining -= read;
            }

            target.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
        _append.Dispose();
        _append = OpenAppend();
        _header = header;
        _offsets.RemoveRange(0, drop);
        for (int i = 0; i < _offsets.Count; i++)
        {
            _offsets[i] += shift;
        }
    }

    /// <summary>Opens the append handle and, beside it, the handle used only to flush the file to disk; a new generation.</summary>
    private FileStream OpenAppend()
    {
        var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        file.Seek(0, SeekOrigin.End);
        var old = Interlocked.Exchange(ref _sync, new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None));
        old?.Dispose();
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _writtenTo, file.Length);
        return file;
    }

    private static ChangeRecord? Parse(byte[] line)
    {
        try
        {
            return JsonSerializer.Deserialize<ChangeRecord>(line, CloudJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ChangeLogHeader? ParseHeader(byte[] line)
    {
        try
        {
            var header = JsonSerializer.Deserialize<ChangeLogHeader>(line, CloudJson.Options);
            return header is { Format: ChangeLogHeader.CurrentFormat, Epoch.Length: 32 } && header.Floor >= 0 ? header : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string DirectoryOf(CloudServerOptions options)
    {
        string directory;
        if (options.ChangeLogDirectory is { } given)
        {
            directory = Path.GetFullPath(given);
        }
        else
        {
            var keyFile = options.Keys?.FilePath
                ?? throw new ArgumentException("CloudServerOptions.Keys is required: the default change log folder lies beside the key file.", nameof(options));
            directory = Path.ChangeExtension(keyFile, ".changes");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnly);
        }

        return directory;
    }
}
