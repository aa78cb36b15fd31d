namespace Atomiton.Storage;

/// <summary>
/// A precondition on a write or delete. A write whose precondition fails throws
/// <see cref="StorageErrorCode.Conflict"/> and changes nothing — never a silent overwrite.
/// </summary>
public readonly record struct WriteCondition
{
    private WriteCondition(WriteConditionKind kind, string? etag)
    {
        Kind = kind;
        ETag = etag;
    }

    /// <summary>Which precondition applies.</summary>
    public WriteConditionKind Kind { get; }

    /// <summary>For <see cref="WriteConditionKind.IfMatch"/>: the ETag the object must currently have.</summary>
    public string? ETag { get; }

    /// <summary>No precondition (the default): create or overwrite.</summary>
    public static WriteCondition None => default;

    /// <summary>Create only: fail with Conflict if the key exists.</summary>
    public static WriteCondition IfNotExists => new(WriteConditionKind.IfNotExists, null);

    /// <summary>Write only if the object exists with this ETag; fail with Conflict otherwise.</summary>
    /// <exception cref="ArgumentException">The ETag is null or empty.</exception>
    public static WriteCondition IfMatch(string etag)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return new WriteCondition(WriteConditionKind.IfMatch, etag);
    }

    /// <summary>Whether an object in the state described (absent, or present with <paramref name="currentETag"/>) satisfies this condition.</summary>
    /// <param name="currentETag">The object's current ETag, or null when it does not exist.</param>
    public bool IsSatisfiedBy(string? currentETag) => Kind switch
    {
        WriteConditionKind.IfNotExists => currentETag is null,
        WriteConditionKind.IfMatch => currentETag is not null && string.Equals(currentETag, ETag, StringComparison.Ordinal),
        _ => true,
    };

    /// <summary>The Conflict error for a key that did not satisfy this condition.</summary>
    public StorageException ToConflict(string key, string? provider, string operation) => Kind == WriteConditionKind.IfMatch
        ? StorageException.ETagMismatch(key, ETag!, provider, operation)
        : StorageException.AlreadyExists(key, provider, operation);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        WriteConditionKind.IfNotExists => "if-not-exists",
        WriteConditionKind.IfMatch => $"if-match {ETag}",
        _ => "none",
    };
}
