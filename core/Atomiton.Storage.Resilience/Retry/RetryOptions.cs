using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Retry;

/// <summary>Options of the <c>retry</c> stage: exponential back-off with jitter, transient errors only.</summary>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt (so at most this + 1 attempts).</summary>
    [Range(1, 100)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first back-off delay, doubled at each further retry, in milliseconds.</summary>
    [Range(0, 3_600_000)]
    public int BaseDelayMilliseconds { get; set; } = 200;

    /// <summary>The longest computed back-off delay, in milliseconds.</summary>
    [Range(1, 3_600_000)]
    public int MaxDelayMilliseconds { get; set; } = 30_000;

    /// <summary>Randomises each delay so that many clients do not retry in step.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// A rate-limited error's retry-after hint is waited out exactly; a hint longer than this
    /// (milliseconds) ends the retries and the error reaches the caller at once.
    /// </summary>
    [Range(0, 86_400_000)]
    public int MaxRetryAfterMilliseconds { get; set; } = 60_000;

    /// <summary>Which writes may be repeated; see <see cref="RetryWrites"/> and docs/resilience.md.</summary>
    public RetryWrites Writes { get; set; } = RetryWrites.Safe;

    /// <summary>Seeds the jitter so runs are reproducible; null for a random seed.</summary>
    public int? Seed { get; set; }
}
