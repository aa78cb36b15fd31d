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

    /// <summary>
    /// How long the change feed keeps a change, tombstones included (default one day), on the
    /// engine's clock; a cursor older than that reads CursorExpired (trusted). Must be positive. Reported as
    /// <see cref="StorageLimits.ChangeRetention"/>.
    /// </summary>
    public TimeSpan ChangeRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How many changes the change feed keeps at most (default 100,000, a few megabytes); older ones
    /// are forgotten even within <see cref="ChangeRetention"/>, and a cursor before them reads CursorExpired (trusted).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int ChangeRetentionEntries { get; set; } = 100_000;
}
