namespace Atomiton.Storage.Resilience.Audit;

/// <summary>Where audit records go: append-only, read back in order for verification.</summary>
public interface IAuditSink : IAsyncDisposable
{
    /// <summary>Appends one record line (no line break). Called one at a time, in sequence order.</summary>
    ValueTask AppendAsync(long sequence, string line, CancellationToken cancellationToken = default);

    /// <summary>Every record line, in order.</summary>
    IAsyncEnumerable<string> ReadLinesAsync(CancellationToken cancellationToken = default);
}
