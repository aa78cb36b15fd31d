namespace Atomiton.Storage.Resilience.CircuitBreaker;

/// <summary>The defaults of <see cref="CircuitBreakerOptions"/>, in one place.</summary>
internal static class CircuitBreakerConstants
{
    public const double DefaultFailureRatio = 0.5;

    public const int DefaultMinimumThroughput = 10;

    public static readonly TimeSpan DefaultSamplingDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(5);
}
