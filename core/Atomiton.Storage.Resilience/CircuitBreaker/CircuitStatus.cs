namespace Atomiton.Storage.Resilience.CircuitBreaker;

/// <summary>The state of a <see cref="CircuitBreakerEngine"/>.</summary>
public enum CircuitStatus
{
    /// <summary>Calls flow.</summary>
    Closed = 0,

    /// <summary>Calls are refused until the break ends.</summary>
    Open,

    /// <summary>The break ended; the next call is a probe that closes or reopens the circuit.</summary>
    HalfOpen,
}
