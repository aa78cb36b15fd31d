namespace Atomiton.Storage;

/// <summary>Options of a delete.</summary>
public sealed record DeleteOptions
{
    /// <summary>Default options: unconditional.</summary>
    public static DeleteOptions Default { get; } = new();

    /// <summary>
    /// Delete only if the object currently has this ETag; otherwise (changed or missing) throw
    /// Conflict and change nothing.
    /// </summary>
    public string? IfMatch { get; init; }
}
