using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Conflicts;

/// <summary>
/// A conflict handed to a custom resolver: both versions' metadata, the base, and readers that open
/// each side's content pinned to the version the planner saw.
/// </summary>
public sealed class SyncConflict
{
    private readonly Func<SyncSide, CancellationToken, ValueTask<byte[]>> _read;

    internal SyncConflict(string key, SyncVersion a, SyncVersion b, SyncBase? synced, Func<SyncSide, CancellationToken, ValueTask<byte[]>> read)
    {
        Key = key;
        A = a;
        B = b;
        Base = synced;
        _read = read;
    }

    /// <summary>The key both sides changed.</summary>
    public string Key { get; }

    /// <summary>Side A's version.</summary>
    public SyncVersion A { get; }

    /// <summary>Side B's version.</summary>
    public SyncVersion B { get; }

    /// <summary>The last synced base, or null when the key was never synced (created on both sides).</summary>
    public SyncBase? Base { get; }

    /// <summary>Reads <paramref name="side"/>'s content (pinned to the version in this conflict).</summary>
    /// <exception cref="StorageException">Conflict when the side changed since it was planned (the conflict is then re-planned).</exception>
    public ValueTask<byte[]> ReadAsync(SyncSide side, CancellationToken cancellationToken = default) => _read(side, cancellationToken);
}
