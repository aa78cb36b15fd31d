namespace Atomiton.Storage.Resilience.Failover;

/// <summary>
/// A snapshot of the writes a failover stage's secondaries served (<see cref="FailoverEngine.GetDivergence"/>):
/// the keys they wrote, and how many writes went unrecorded once 10,000 keys were recorded.
/// </summary>
/// <param name="Keys">The recorded keys in ordinal order, each with the secondary that served its last write.</param>
/// <param name="UnrecordedWrites">Writes beyond the recorded keys, per secondary (only secondaries that have some).</param>
public sealed record FailoverDivergence(IReadOnlyList<FailoverDivergedKey> Keys, IReadOnlyDictionary<string, long> UnrecordedWrites)
{
    /// <summary>True when every write a secondary served is among <see cref="Keys"/>: reconciling those keys is enough.</summary>
    public bool IsComplete => UnrecordedWrites.Count == 0;

    /// <summary>True when no secondary served a write that is not yet forgotten.</summary>
    public bool IsEmpty => Keys.Count == 0 && IsComplete;

    /// <summary>The recorded keys whose last write <paramref name="member"/> served.</summary>
    public IEnumerable<FailoverDivergedKey> KeysOf(string member) => Keys.Where(key => key.Member == member);
}
