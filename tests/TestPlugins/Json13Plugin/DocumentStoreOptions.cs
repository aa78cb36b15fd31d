using System.ComponentModel.DataAnnotations;

namespace Json13Plugin;

/// <summary>Options of the json13-store backend.</summary>
public sealed class DocumentStoreOptions
{
    /// <summary>The most objects it holds.</summary>
    [Range(1, 1_000_000)]
    public int MaxItems { get; set; } = 1000;
}
