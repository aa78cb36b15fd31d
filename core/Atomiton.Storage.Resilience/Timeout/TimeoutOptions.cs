using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>Options of the <c>timeout</c> stage.</summary>
public sealed class TimeoutOptions
{
    /// <summary>
    /// The time budget of one call, in milliseconds: a save until it is stored, a load until the
    /// content stream is open (reading it is not timed), a listing per step.
    /// </summary>
    [Range(1, 86_400_000)]
    public int TimeoutMilliseconds { get; set; } = 30_000;
}
