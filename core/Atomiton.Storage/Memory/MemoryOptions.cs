using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Memory;

/// <summary>Options of the <c>memory</c> engine. Every limit is optional.</summary>
public sealed class MemoryOptions
{
    /// <summary>Total bytes of content the engine holds; a save beyond it fails with QuotaExceeded.</summary>
    [Range(0, long.MaxValue)]
    public long? MaxBytes { get; set; }

    /// <summary>The largest single object; a larger save fails with ObjectTooLarge.</summary>
    [Range(0, long.MaxValue)]
    public long? MaxObjectSize { get; set; }

    /// <summary>The most objects the engine holds; a save of a new key beyond it fails with QuotaExceeded.</summary>
    [Range(0, long.MaxValue)]
    public long? MaxItems { get; set; }
}
