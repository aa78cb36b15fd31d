namespace Atomiton.Storage.Resilience.Audit;

/// <summary>The last record of an audit chain: keep it apart from the log to detect records removed from the end.</summary>
/// <param name="Sequence">The last record's sequence number (records count from 1).</param>
/// <param name="Hash">The last record's hash (lowercase hex SHA-256).</param>
public sealed record AuditHead(long Sequence, string Hash)
{
    /// <summary>The head of an empty log: sequence 0 and a hash of zeros, the "previous" of the first record.</summary>
    public static AuditHead Genesis { get; } = new(0, new string('0', 64));
}
