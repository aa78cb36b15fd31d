using System.Collections.Concurrent;

namespace Atomiton.Storage.Resilience.Mirror;

/// <summary>One member of a mirror stage and the writes it missed. Thread-safe.</summary>
internal sealed class MirrorMember(string name, IStorageEngine engine)
{
    private const int MaxRecordedKeys = 10_000;
    private readonly ConcurrentDictionary<string, byte> _missed = new(StringComparer.Ordinal);
    private long _missedWrites;
    private volatile string? _lastError;

    public string Name { get; } = name;

    public IStorageEngine Engine { get; } = engine;

    public bool IsLagging => Interlocked.Read(ref _missedWrites) > 0;

    /// <summary>Whether this member's copy of <paramref name="key"/> may be stale.</summary>
    public bool Missed(string key) => _missed.ContainsKey(key) || (Interlocked.Read(ref _missedWrites) > _missed.Count);

    public void RecordMissed(string key, StorageException error)
    {
        _lastError = $"{error.Code}: {error.Message}";
        if (_missed.Count < MaxRecordedKeys || _missed.ContainsKey(key))
        {
            if (_missed.TryAdd(key, 0))
            {
                Interlocked.Increment(ref _missedWrites);
            }
        }
        else
        {
            Interlocked.Increment(ref _missedWrites);
        }
    }

    public void RecordCaughtUp(string key)
    {
        if (_missed.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _missedWrites);
        }
    }

    public MirrorMemberStatus Snapshot() =>
        new(Name, Interlocked.Read(ref _missedWrites), [.. _missed.Keys.Order(StringComparer.Ordinal)], _lastError);
}
