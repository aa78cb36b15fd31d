using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Mock;

/// <summary>
/// Options of the <c>mock</c> and <c>chaos</c> engines, as the seed's
/// <c>createMock({ latency, failureRate, quotaLimit })</c>. Every option defaults to "off": with
/// no options the mock behaves exactly like the engine beneath it, and only counts calls.
/// </summary>
public sealed class MockOptions
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    /// <summary>
    /// Delay added before every operation (0 to 1 hour). With <see cref="MaxLatency"/> it is the lower
    /// bound of a uniformly random delay.
    /// </summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When set, each delay is drawn uniformly from [<see cref="Latency"/>, this] (at most 1 hour); must not be below it.</summary>
    public TimeSpan? MaxLatency { get; set; }

    /// <summary>The probability (0 to 1) that an operation fails with <see cref="FailureCode"/> before it reaches the inner engine.</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>The code of random failures: a transient one (NetworkError, the default; Timeout; or RateLimited).</summary>
    public StorageErrorCode FailureCode { get; set; } = StorageErrorCode.NetworkError;

    /// <summary>The retry-after hint of random RateLimited failures (0 to 1 hour); null for none.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>
    /// Total bytes the mock lets the engine beneath it hold; a save (or copy) beyond it fails with
    /// QuotaExceeded and writes nothing. Null for no quota.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long? QuotaBytes { get; set; }

    /// <summary>
    /// The seed of the random latency and failure draws. With a seed the same sequence of calls
    /// meets the same delays and failures on every run; null draws a random seed.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Checks the rules DataAnnotations cannot express; throws InvalidConfiguration naming the option.</summary>
    internal void Validate(string provider)
    {
        foreach (var (name, duration) in new[] { ("Latency", (TimeSpan?)Latency), ("MaxLatency", MaxLatency), ("RetryAfter", RetryAfter) })
        {
            if (duration is { } value && (value < TimeSpan.Zero || value > MaxDuration))
            {
                throw Invalid(provider, $"{name} ({value:c}) must be a duration between 00:00:00 and 01:00:00 (written \"hh:mm:ss\" or \"hh:mm:ss.fff\").");
            }
        }

        if (MaxLatency is { } max && max < Latency)
        {
            throw Invalid(provider, $"MaxLatency ({max:c}) is below Latency ({Latency:c}). Set it to at least Latency, or remove it for a fixed latency.");
        }

        if (FailureCode is not (StorageErrorCode.NetworkError or StorageErrorCode.Timeout or StorageErrorCode.RateLimited))
        {
            throw Invalid(provider, $"FailureCode {FailureCode} is not a transient code. Use NetworkError, Timeout or RateLimited; script permanent errors with MockEngine.Faults.");
        }

        if (FailureRate is < 0 or > 1 or double.NaN || QuotaBytes is < 0)
        {
            throw Invalid(provider, "QuotaBytes must not be negative, and FailureRate must lie between 0 and 1.");
        }
    }

    private static StorageException Invalid(string provider, string message) =>
        new(StorageErrorCode.InvalidConfiguration, $"Invalid {provider} options: {message}") { Provider = provider, Operation = "create" };
}
