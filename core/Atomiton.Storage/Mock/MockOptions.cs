using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Mock;

/// <summary>
/// Options of the <c>mock</c> and <c>chaos</c> engines, as the seed's
/// <c>createMock({ latency, failureRate, quotaLimit })</c>. Every option defaults to "off": with
/// no options the mock behaves exactly like the engine beneath it, and only counts calls.
/// </summary>
public sealed class MockOptions
{
    /// <summary>
    /// Delay added before every operation, in milliseconds. With <see cref="MaxLatencyMilliseconds"/>
    /// it is the lower bound of a uniformly random delay.
    /// </summary>
    [Range(0.0, 3_600_000.0)]
    public double LatencyMilliseconds { get; set; }

    /// <summary>When set, each delay is drawn uniformly from [<see cref="LatencyMilliseconds"/>, this]; must not be below it.</summary>
    [Range(0.0, 3_600_000.0)]
    public double? MaxLatencyMilliseconds { get; set; }

    /// <summary>The probability (0 to 1) that an operation fails with <see cref="FailureCode"/> before it reaches the inner engine.</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>The code of random failures: a transient one (NetworkError, the default; Timeout; or RateLimited).</summary>
    public StorageErrorCode FailureCode { get; set; } = StorageErrorCode.NetworkError;

    /// <summary>The retry-after hint of random RateLimited failures, in milliseconds; null for none.</summary>
    [Range(0.0, 3_600_000.0)]
    public double? RetryAfterMilliseconds { get; set; }

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
        if (MaxLatencyMilliseconds is { } max && max < LatencyMilliseconds)
        {
            throw Invalid(provider, $"MaxLatencyMilliseconds ({max}) is below LatencyMilliseconds ({LatencyMilliseconds}). Set it to at least LatencyMilliseconds, or remove it for a fixed latency.");
        }

        if (FailureCode is not (StorageErrorCode.NetworkError or StorageErrorCode.Timeout or StorageErrorCode.RateLimited))
        {
            throw Invalid(provider, $"FailureCode {FailureCode} is not a transient code. Use NetworkError, Timeout or RateLimited; script permanent errors with MockEngine.Faults.");
        }

        if (LatencyMilliseconds is < 0 or double.NaN || FailureRate is < 0 or > 1 or double.NaN || QuotaBytes is < 0 || RetryAfterMilliseconds is < 0)
        {
            throw Invalid(provider, "LatencyMilliseconds, RetryAfterMilliseconds and QuotaBytes must not be negative, and FailureRate must lie between 0 and 1.");
        }
    }

    private static StorageException Invalid(string provider, string message) =>
        new(StorageErrorCode.InvalidConfiguration, $"Invalid {provider} options: {message}") { Provider = provider, Operation = "create" };
}
