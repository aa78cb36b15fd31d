namespace Atomiton.Storage.Sync;

/// <summary>Where a run is: the phase, how many of its steps are done, and the key being worked on.</summary>
/// <param name="Phase"><c>wait</c> (for another run of the pair to finish; see <see cref="Detail"/>), <c>observe A</c>, <c>observe B</c>, <c>plan</c>, <c>apply</c>, <c>done</c>.</param>
/// <param name="Done">Steps done in this phase (keys observed, actions applied).</param>
/// <param name="Total">Steps in this phase when known.</param>
/// <param name="Key">The key just handled, when there is one.</param>
public sealed record SyncProgress(string Phase, long Done, long? Total, string? Key = null)
{
    /// <summary>A sentence for people about the phase, when there is more to say (the <c>wait</c> phase names the run it waits for).</summary>
    public string? Detail { get; init; }
}
