using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Retry;

/// <summary>Options of the <c>retry</c> stage: exponential back-off with jitter, transient errors only.</summary>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt (so at most this + 1 attempts).</summary>
    [Range(1, 100)]
    public int MaxRetryAttempts { get; set; } = RetryConstants.DefaultMaxRetryAttempts;

    /// <summary>The first back-off delay, doubled at each further retry (0 to 1 hour; default 200 ms).</summary>
    [DurationRange("00:00:00", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = RetryConstants.DefaultBaseDelay;

    /// <summary>The longest computed back-off delay (1 ms to 1 hour; default 30 s).</summary>
    [DurationRange("00:00:00.001", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = RetryConstants.DefaultMaxDelay;

    /// <summary>Randomises each delay so that many clients do not retry in step.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// A rate-limited error's retry-after hint is waited out exactly; a hint longer than this ends the
    /// retries and the error reaches the caller at once (0 to 1 day; default 1 min).
    /// </summary>
    [DurationRange("00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = RetryConstants.DefaultMaxRetryAfter;

    /// <summary>Which writes may be repeated; see <see cref="RetryWrites"/> and docs/resilience.md.</summary>
    public RetryWrites Writes { get; set; } = RetryWrites.Safe;

    /// <summary>Seeds the jitter so runs are reproducible; null for a random seed.</summary>
    public int? Seed { get; set; }
}
