using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Cached;

/// <summary>Options of the <c>cached</c> wrapper: bounds, freshness and what bypasses the cache.</summary>
public sealed class CachedOptions : IValidatableObject
{
    /// <summary>The most objects held (least recently used go first).</summary>
    [Range(3, 10_000_000, ErrorMessage = "'cacheSize' must be between 3 and 10000000 objects.")]
    public int CacheSize { get; set; } = 1000;

    /// <summary>The most content bytes held; the least recently used objects are evicted beyond it.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "'maxBytes' must be positive.")]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long an object is served without asking the inner engine; after it, the entry is revalidated by ETag (or reloaded).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a NotFound is remembered; zero to never cache NotFound.</summary>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Objects larger than this many bytes bypass the cache (streamed from the inner engine).</summary>
    [Range(0, long.MaxValue, ErrorMessage = "'maxItemBytes' must not be negative.")]
    public long MaxItemBytes { get; set; } = 1024 * 1024;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Ttl <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"'ttl' must be positive (it is {Ttl}); use a long duration such as 1.00:00:00 for rarely changing data.", [nameof(Ttl)]);
        }

        if (NegativeTtl < TimeSpan.Zero)
        {
            yield return new ValidationResult($"'negativeTtl' must not be negative (it is {NegativeTtl}); use 00:00:00 to never cache NotFound.", [nameof(NegativeTtl)]);
        }

        if (MaxItemBytes > Array.MaxLength)
        {
            yield return new ValidationResult($"'maxItemBytes' ({MaxItemBytes}) must not exceed {Array.MaxLength} (the largest array an entry can hold).", [nameof(MaxItemBytes)]);
        }

        if (MaxItemBytes > MaxBytes)
        {
            yield return new ValidationResult($"'maxItemBytes' ({MaxItemBytes}) must not exceed 'maxBytes' ({MaxBytes}).", [nameof(MaxItemBytes)]);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"CachedOptions(cacheSize={CacheSize}, maxBytes={MaxBytes}, ttl={Ttl}, negativeTtl={NegativeTtl}, maxItemBytes={MaxItemBytes})";
}
