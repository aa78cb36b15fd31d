using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Atomiton.Storage.Resilience.Audit;

/// <summary>
/// Records stored in another pipeline, one create-only object per record named
/// <c>PREFIX</c> + the zero-padded sequence number, so listing returns them in order and no record
/// can be overwritten through the contract.
/// </summary>
public sealed class PipelineAuditSink : IAuditSink
{
    private readonly IStorageEngine _engine;
    private readonly string _prefix;
    private readonly bool _ownsEngine;

    /// <summary>Writes records to <paramref name="engine"/> under <paramref name="prefix"/>.</summary>
    public PipelineAuditSink(IStorageEngine engine, string prefix = "audit/", bool ownsEngine = true)
    {
        ArgumentNullException.ThrowIfNull(engine);
        StorageKey.ValidatePrefix(prefix, "audit", "create");
        _engine = engine;
        _prefix = prefix;
        _ownsEngine = ownsEngine;
    }

    /// <inheritdoc />
    public async ValueTask AppendAsync(long sequence, string line, CancellationToken cancellationToken = default) =>
        await _engine.SaveAsync(_prefix + sequence.ToString("D19", CultureInfo.InvariantCulture) + ".json", Encoding.UTF8.GetBytes(line),
            new SaveOptions { Condition = _engine.Supports(StorageCapabilities.CreateOnly) ? WriteCondition.IfNotExists : WriteCondition.None }, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entry in _engine.ListAsync(new ListOptions { Prefix = _prefix }, cancellationToken))
        {
            yield return Encoding.UTF8.GetString(await _engine.LoadBytesAsync(entry.Key, null, cancellationToken));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsEngine)
        {
            await _engine.DisposeAsync();
        }
    }
}
