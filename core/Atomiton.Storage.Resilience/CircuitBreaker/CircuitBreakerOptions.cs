using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.CircuitBreaker;

/// <summary>Options of the <c>circuit-breaker</c> stage.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>The share of calls failing transiently within the sampling window that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The fewest calls in the sampling window before the ratio counts.</summary>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The sampling window, in milliseconds (at least 500).</summary>
    [Range(500, 86_400_000)]
    public int SamplingDurationMilliseconds { get; set; } = 30_000;

    /// <summary>How long an open circuit refuses calls before letting one probe through, in milliseconds (at least 500).</summary>
    [Range(500, 86_400_000)]
    public int BreakDurationMilliseconds { get; set; } = 5_000;
}
