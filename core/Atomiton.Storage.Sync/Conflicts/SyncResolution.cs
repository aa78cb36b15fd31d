namespace Atomiton.Storage.Sync.Conflicts;

/// <summary>What a custom resolver decided.</summary>
public enum SyncResolutionKind
{
    /// <summary>Side A's version wins; B's goes to the trash.</summary>
    TakeA = 0,

    /// <summary>Side B's version wins; A's goes to the trash.</summary>
    TakeB,

    /// <summary>Keep both, as <see cref="ConflictPolicy.KeepBoth"/>.</summary>
    KeepBoth,

    /// <summary>Write <see cref="SyncResolution.Content"/> to both sides (both originals go to the trash).</summary>
    Merged,

    /// <summary>Leave the conflict unresolved.</summary>
    Skip,
}

/// <summary>A custom resolver's answer.</summary>
public sealed record SyncResolution
{
    private SyncResolution(SyncResolutionKind kind, ReadOnlyMemory<byte> content, string? contentType)
    {
        Kind = kind;
        Content = content;
        ContentType = contentType;
    }

    /// <summary>The decision.</summary>
    public SyncResolutionKind Kind { get; }

    /// <summary>For <see cref="SyncResolutionKind.Merged"/>: the merged content.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>For <see cref="SyncResolutionKind.Merged"/>: the content type to store (null keeps none).</summary>
    public string? ContentType { get; }

    /// <summary>Side A wins.</summary>
    public static SyncResolution TakeA { get; } = new(SyncResolutionKind.TakeA, default, null);

    /// <summary>Side B wins.</summary>
    public static SyncResolution TakeB { get; } = new(SyncResolutionKind.TakeB, default, null);

    /// <summary>Keep both (winner at the key, loser as a conflict copy).</summary>
    public static SyncResolution KeepBoth { get; } = new(SyncResolutionKind.KeepBoth, default, null);

    /// <summary>Leave it unresolved.</summary>
    public static SyncResolution Skip { get; } = new(SyncResolutionKind.Skip, default, null);

    /// <summary>Write <paramref name="content"/> to both sides.</summary>
    public static SyncResolution Merged(ReadOnlyMemory<byte> content, string? contentType = null) => new(SyncResolutionKind.Merged, content, contentType);
}

/// <summary>Resolves conflicts for <see cref="ConflictPolicy.Custom"/> (for example by merging JSON documents field by field).</summary>
public interface ISyncConflictResolver
{
    /// <summary>Decides <paramref name="conflict"/>.</summary>
    ValueTask<SyncResolution> ResolveAsync(SyncConflict conflict, CancellationToken cancellationToken);
}
