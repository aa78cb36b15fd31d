namespace Atomiton.Storage;

/// <summary>The kinds of <see cref="WriteCondition"/>.</summary>
public enum WriteConditionKind
{
    /// <summary>No precondition.</summary>
    None = 0,

    /// <summary>The key must not exist.</summary>
    IfNotExists,

    /// <summary>The key must exist with the given ETag.</summary>
    IfMatch,
}
