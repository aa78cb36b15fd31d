using System.Diagnostics.Metrics;

namespace Atomiton.Storage.Cached;

/// <summary>
/// Publishes a <see cref="CachedEngine"/>'s counters through <see cref="System.Diagnostics.Metrics"/>
/// on the meter <c>Atomiton.Storage.Cached</c>: <c>atomiton.storage.cache.hits</c>, <c>.misses</c>,
/// <c>.evictions</c>, <c>.revalidations</c> (observable counters) and <c>.items</c>, <c>.bytes</c>
/// (observable gauges), tagged with the pipeline and stage.
/// </summary>
public sealed class CacheMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Atomiton.Storage.Cached";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly KeyValuePair<string, object?>[] _tags;
    private CachedEngine? _engine;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">Creates the meter (from dependency injection); null for a meter this object owns.</param>
    /// <param name="pipeline">The pipeline name tag.</param>
    /// <param name="stage">The stage name tag.</param>
    public CacheMetrics(IMeterFactory? meterFactory, string? pipeline, string? stage)
    {
        _tags = [new("pipeline", pipeline), new("stage", stage)];
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableCounter("atomiton.storage.cache.hits", () => Measure(s => s.Hits), "{request}", "Reads answered from the cache.");
        _meter.CreateObservableCounter("atomiton.storage.cache.misses", () => Measure(s => s.Misses), "{request}", "Reads that went to the inner engine.");
        _meter.CreateObservableCounter("atomiton.storage.cache.evictions", () => Measure(s => s.Evictions), "{entry}", "Entries evicted by the count or byte bound.");
        _meter.CreateObservableCounter("atomiton.storage.cache.revalidations", () => Measure(s => s.Revalidations), "{request}", "Expired entries confirmed by ETag.");
        _meter.CreateObservableGauge("atomiton.storage.cache.items", () => Measure(s => s.Count), "{entry}", "Entries held.");
        _meter.CreateObservableGauge("atomiton.storage.cache.bytes", () => Measure(s => s.Bytes), "By", "Content bytes held.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal void Attach(CachedEngine engine) => _engine = engine;

    internal void Detach(CachedEngine engine)
    {
        if (ReferenceEquals(_engine, engine))
        {
            _engine = null;
            Dispose();
        }
    }

    private IEnumerable<Measurement<long>> Measure(Func<CacheStatistics, long> select) =>
        _engine is { } engine ? [new Measurement<long>(select(engine.Statistics), _tags)] : [];
}
