using System.Globalization;

namespace Atomiton.Storage.Memory;

/// <summary>
/// The memory engine's change feed. Saves, deletes, copies and moves append to <see cref="MemoryChangeLog"/>
/// under the engine's lock, so the feed's order is the order of the writes and a write that
/// returned is in the feed. A native move is one <see cref="StorageChangeKind.Moved"/> change.
/// </summary>
public sealed partial class MemoryEngine
{
    private const int DefaultChangePageSize = 1000;

    private readonly MemoryChangeLog _changes;

    /// <inheritdoc />
    protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new MemoryChangeCursor(_changes.Epoch, _changes.Last, prefix).ToString());
        }
    }

    /// <summary>
    /// The changes after <paramref name="cursor"/>: at most <see cref="ChangeReadOptions.PageSize"/>
    /// (default 1,000), oldest first; <see cref="StorageChangePage.HasMore"/> is exact. Costs the
    /// changes returned plus those skipped for being outside the cursor's prefix.
    /// </summary>
    protected override ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var start = Parse(cursor, StorageOperation.ReadChanges);
        int pageSize = options.PageSize ?? DefaultChangePageSize;
        lock (_gate)
        {
            EnsureReadable(start, StorageOperation.ReadChanges);
            var (changes, next, hasMore) = _changes.Read(start.Sequence, start.Prefix, pageSize);
            return ValueTask.FromResult(new StorageChangePage
            {
                Changes = changes,
                Cursor = (start with { Sequence = next }).ToString(),
                HasMore = hasMore,
            });
        }
    }

    /// <summary>
    /// Returns true at once when changes under the cursor's prefix are waiting; otherwise waits for a
    /// write (woken by it, not by polling) until <paramref name="timeout"/> passes on the engine's clock.
    /// Writes outside the prefix do not end the wait.
    /// </summary>
    protected override async ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = Parse(cursor, StorageOperation.WaitForChanges);
        long started = _time.GetTimestamp();
        long position = start.Sequence;
        bool first = true;
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (first)
                {
                    EnsureReadable(start, StorageOperation.WaitForChanges);
                    first = false;
                }

                if (_changes.AnyAfter(ref position, start.Prefix))
                {
                    return true;
                }

                next = _changes.NextChange();
            }

            var remaining = timeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await next.WaitAsync(remaining, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }

            ObjectDisposedException.ThrowIf(IsDisposed, this);
        }
    }

    /// <summary>Wakes waiters so they see the engine is disposed instead of waiting out their timeout.</summary>
    protected override ValueTask DisposeCoreAsync()
    {
        lock (_gate)
        {
            _changes.WakeAll();
        }

        return base.DisposeCoreAsync();
    }

    private static MemoryChangeLog CreateChangeLog(MemoryOptions options, TimeProvider time)
    {
        if (options.ChangeRetentionEntries < 1 || options.ChangeRetention <= TimeSpan.Zero)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"Invalid memory options: ChangeRetentionEntries ({options.ChangeRetentionEntries}) and ChangeRetention ({options.ChangeRetention}) must be positive. Set them to how many changes, and for how long, the change feed keeps.")
            { Provider = TypeName, Operation = "create" };
        }

        return new MemoryChangeLog(options.ChangeRetentionEntries, options.ChangeRetention, time);
    }

    private static MemoryChangeCursor Parse(string cursor, string operation) =>
        MemoryChangeCursor.TryParse(cursor, out var parsed)
            ? parsed
            : throw new StorageException(StorageErrorCode.InvalidArgument,
                "The change cursor is not one a memory engine issued (it is malformed, truncated or from another kind of engine). Pass a cursor exactly as GetChangeCursorAsync or the last page returned it, or get a new one from GetChangeCursorAsync.")
            { Provider = TypeName, Operation = operation };

    /// <summary>Throws CursorExpired when the cursor is from another epoch (untrusted) or older than the retention (trusted).</summary>
    private void EnsureReadable(MemoryChangeCursor cursor, string operation)
    {
        if (cursor.Epoch != _changes.Epoch || cursor.Sequence > _changes.Last)
        {
            throw new StorageException(StorageErrorCode.CursorExpired,
                "The change cursor was issued by another instance of the memory engine, whose content ended with it: what was derived from its changes describes a store that is gone. Enumerate this store again with a full listing and take a new cursor from GetChangeCursorAsync.")
            { Provider = TypeName, Operation = operation, Key = cursor.Prefix.Length == 0 ? null : cursor.Prefix, CursorTrust = ChangeCursorTrust.Untrusted };
        }

        _changes.Trim();
        if (cursor.Sequence < _changes.ForgottenThrough)
        {
            throw new StorageException(StorageErrorCode.CursorExpired,
                string.Create(CultureInfo.InvariantCulture, $"The change cursor is older than the change feed's retention (the last {_options.ChangeRetentionEntries} changes, for at most {_options.ChangeRetention}): changes after it were forgotten. What was derived from earlier changes is still valid: list the prefix again, compare, and continue from a new cursor from GetChangeCursorAsync. Raise ChangeRetentionEntries or ChangeRetention to keep changes longer."))
            { Provider = TypeName, Operation = operation, Key = cursor.Prefix.Length == 0 ? null : cursor.Prefix, CursorTrust = ChangeCursorTrust.Trusted };
        }
    }
}
