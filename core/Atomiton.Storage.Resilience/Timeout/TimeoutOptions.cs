namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>
/// Options of the <c>timeout</c> stage: a budget per call (<see cref="Timeout"/>) and a budget per
/// read or write step of a transfer (<see cref="IoTimeout"/>), so a long transfer fails only when it stalls.
/// </summary>
public sealed class TimeoutOptions
{
    /// <summary>
    /// The budget of one call that moves no content (1 ms to 1 day; default 30 s): stat, exists,
    /// delete, copy, move, info; a load until its content stream is open; a save until the first
    /// read of its content, and from the end of its content until it is stored.
    /// </summary>
    [DurationRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeoutConstants.DefaultTimeout;

    /// <summary>
    /// The budget of one step of a transfer (1 ms to 1 day; default 10 s): each read of a loaded
    /// content stream, the time between two reads of a save's content (the engine storing the last
    /// chunk and reading the next), and each step of a listing.
    /// </summary>
    [DurationRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan IoTimeout { get; set; } = TimeoutConstants.DefaultIoTimeout;
}
