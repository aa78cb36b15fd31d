using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.CircuitBreaker;

/// <summary>Options of the <c>circuit-breaker</c> stage.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>The share of calls failing transiently within the sampling window that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = CircuitBreakerConstants.DefaultFailureRatio;

    /// <summary>The fewest calls in the sampling window before the ratio counts.</summary>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = CircuitBreakerConstants.DefaultMinimumThroughput;

    /// <summary>The sampling window (500 ms to 1 day; default 30 s).</summary>
    [DurationRange("00:00:00.500", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = CircuitBreakerConstants.DefaultSamplingDuration;

    /// <summary>How long an open circuit refuses calls before letting one probe through (500 ms to 1 day; default 5 s).</summary>
    [DurationRange("00:00:00.500", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = CircuitBreakerConstants.DefaultBreakDuration;
}
