namespace Atomiton.Storage.Memory;

/// <summary>
/// The memory engine's change feed: an append-only log of every write with a global sequence
/// (the first change is 1), indexed by sequence so a read after a cursor costs the changes it
/// returns plus the ones it skips for being outside the cursor's prefix, never the keys stored.
/// Entries fall out after <see cref="MemoryOptions.ChangeRetentionEntries"/> newer changes or
/// <see cref="MemoryOptions.ChangeRetention"/>. Not thread-safe: the engine calls it under the
/// same lock as the write it records.
/// </summary>
internal sealed class MemoryChangeLog(int maxEntries, TimeSpan maxAge, TimeProvider time)
{
    private const int CompactAfter = 1024;

    private readonly List<Entry> _entries = [];
    private int _head;
    private long _firstSequence = 1;
    private long _last;
    private long _forgottenThrough;
    private TaskCompletionSource? _signal;

    /// <summary>Random per engine instance: a cursor from another instance (another epoch) describes a store that is gone.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The sequence of the newest change (0 before the first).</summary>
    public long Last => _last;

    /// <summary>Every change up to and including this sequence was forgotten (retention).</summary>
    public long ForgottenThrough => _forgottenThrough;

    /// <summary>Records one change and wakes every waiter.</summary>
    public void Append(StorageChange change)
    {
        var now = time.GetUtcNow();
        _entries.Add(new Entry(change, now));
        _last++;
        Trim(now);
        if (_signal is { } signal)
        {
            _signal = null;
            signal.TrySetResult();
        }
    }

    /// <summary>Drops what is past the retention (reads call it too, so an idle log still ages).</summary>
    public void Trim() => Trim(time.GetUtcNow());

    /// <summary>
    /// Up to <paramref name="pageSize"/> changes after sequence <paramref name="after"/> under
    /// <paramref name="prefix"/>, the sequence to resume after, and whether more are waiting (exact:
    /// the resume point skips past every change outside the prefix that was looked at).
    /// </summary>
    public (List<StorageChange> Changes, long Next, bool HasMore) Read(long after, string prefix, int pageSize)
    {
        var changes = new List<StorageChange>(Math.Min(pageSize, 64));
        for (long sequence = after + 1; sequence <= _last; sequence++)
        {
            if (At(sequence).Scoped(prefix) is not { } change)
            {
                continue;
            }

            if (changes.Count == pageSize)
            {
                return (changes, sequence - 1, true);
            }

            changes.Add(change);
        }

        return (changes, _last, false);
    }

    /// <summary>Whether a change under <paramref name="prefix"/> follows <paramref name="position"/>, which advances past what was looked at.</summary>
    public bool AnyAfter(ref long position, string prefix)
    {
        if (position < _forgottenThrough)
        {
            // Changes after the cursor were forgotten unseen: the read will say CursorExpired.
            return true;
        }

        for (long sequence = position + 1; sequence <= _last; sequence++)
        {
            if (At(sequence).Scoped(prefix) is not null)
            {
                return true;
            }

            position = sequence;
        }

        return false;
    }

    /// <summary>A task completed by the next append (or <see cref="WakeAll"/>).</summary>
    public Task NextChange() => (_signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes every waiter without a change (the engine is being disposed).</summary>
    public void WakeAll()
    {
        _signal?.TrySetResult();
        _signal = null;
    }

    private Entry At(long sequence) => _entries[(int)(sequence - _firstSequence)];

    private void Trim(DateTimeOffset now)
    {
        var oldest = maxAge >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - maxAge;
        while (_entries.Count > _head && (_entries.Count - _head > maxEntries || _entries[_head].At < oldest))
        {
            _entries[_head] = default;
            _head++;
            _forgottenThrough++;
        }

        if (_head >= CompactAfter && _head * 2 >= _entries.Count)
        {
            _entries.RemoveRange(0, _head);
            _firstSequence += _head;
            _head = 0;
        }
    }

    private readonly record struct Entry(StorageChange Change, DateTimeOffset At)
    {
        /// <summary>The change as a reader scoped to <paramref name="prefix"/> sees it; null when outside.</summary>
        public StorageChange? Scoped(string prefix)
        {
            bool inside = Change.Key.StartsWith(prefix, StringComparison.Ordinal);
            if (Change.PreviousKey is not { } previous)
            {
                return inside ? Change : null;
            }

            bool wasInside = previous.StartsWith(prefix, StringComparison.Ordinal);
            return (wasInside, inside) switch
            {
                (true, true) => Change,
                (false, true) => new StorageChange(StorageChangeKind.Upserted, Change.Key, Change.Item),
                (true, false) => new StorageChange(StorageChangeKind.Deleted, previous),
                _ => null,
            };
        }
    }
}
