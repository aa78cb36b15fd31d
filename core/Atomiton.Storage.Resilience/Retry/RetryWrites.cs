namespace Atomiton.Storage.Resilience.Retry;

/// <summary>Which writes the <c>retry</c> stage repeats after a transient failure (reads are always retried).</summary>
public enum RetryWrites
{
    /// <summary>
    /// The default: writes that are conditional (create-only, if-match) or idempotent by
    /// construction — unconditional save and copy (same key, same bytes, same end state) and
    /// delete. Move is never repeated: after a lost success the source is gone.
    /// </summary>
    Safe = 0,

    /// <summary>Only conditional writes (create-only, if-match saves and copies, if-match deletes).</summary>
    ConditionalOnly,

    /// <summary>No write is repeated; every write is attempted once.</summary>
    Never,
}
