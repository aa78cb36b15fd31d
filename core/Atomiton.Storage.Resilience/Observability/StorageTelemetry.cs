using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Atomiton.Storage.Resilience.Observability;

/// <summary>
/// The traces and metrics of storage pipelines: one <see cref="System.Diagnostics.ActivitySource"/>
/// and one <see cref="System.Diagnostics.Metrics.Meter"/>, both named <see cref="Name"/>, so
/// OpenTelemetry picks them up with <c>AddSource("Atomiton.Storage")</c> and
/// <c>AddMeter("Atomiton.Storage")</c> and no other code.
/// </summary>
/// <remarks>
/// <para>The hosting library wraps every stage of every pipeline with <see cref="Instrument"/> as it
/// builds the chain, so observability is never a stage users must remember. Instruments:</para>
/// <list type="bullet">
/// <item><c>atomiton.storage.operations</c> (counter): calls, by pipeline, stage, engine, operation and outcome (<c>ok</c>, <c>error</c>, <c>cancelled</c>).</item>
/// <item><c>atomiton.storage.operation.duration</c> (histogram, seconds): latency with the same tags.</item>
/// <item><c>atomiton.storage.bytes</c> (counter, bytes): content written (save) and read (load), by direction.</item>
/// <item><c>atomiton.storage.errors</c> (counter): failures by <c>error.code</c>.</item>
/// </list>
/// <para>Each call is an activity named <c>storage.OPERATION</c> with tags <c>storage.pipeline</c>,
/// <c>storage.stage</c>, <c>storage.engine</c>, <c>storage.operation</c>, <c>storage.key</c> (unless
/// keys are excluded) and, on failure, <c>error.code</c>. Never content or secrets.</para>
/// </remarks>
public sealed class StorageTelemetry : IDisposable
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Atomiton.Storage";

    /// <summary>Creates the source and meter; with <paramref name="meterFactory"/> (from DI) the meter is owned by the factory.</summary>
    public StorageTelemetry(IMeterFactory? meterFactory = null)
    {
        ActivitySource = new ActivitySource(Name);
        Meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Operations = Meter.CreateCounter<long>("atomiton.storage.operations", "{operation}", "Storage operations by pipeline, stage, operation and outcome.");
        Duration = Meter.CreateHistogram<double>("atomiton.storage.operation.duration", "s", "Duration of storage operations.");
        Bytes = Meter.CreateCounter<long>("atomiton.storage.bytes", "By", "Content bytes written and read.");
        Errors = Meter.CreateCounter<long>("atomiton.storage.errors", "{error}", "Failed storage operations by error code.");
    }

    /// <summary>A process-wide instance for hosts without dependency injection.</summary>
    public static StorageTelemetry Shared { get; } = new();

    /// <summary>The source of storage activities.</summary>
    public ActivitySource ActivitySource { get; }

    /// <summary>The meter of storage instruments.</summary>
    public Meter Meter { get; }

    internal Counter<long> Operations { get; }

    internal Histogram<double> Duration { get; }

    internal Counter<long> Bytes { get; }

    internal Counter<long> Errors { get; }

    /// <summary>Wraps one stage so its calls are traced, measured and logged; see <see cref="InstrumentedStorageEngine"/>.</summary>
    /// <param name="engine">The stage (with everything beneath it).</param>
    /// <param name="pipeline">The pipeline's name.</param>
    /// <param name="stage">The stage's name in that pipeline.</param>
    /// <param name="options">Whether keys appear in traces, and where failures are logged.</param>
    /// <param name="timeProvider">The clock durations are measured with; null for the system clock.</param>
    public InstrumentedStorageEngine Instrument(IStorageEngine engine, string pipeline, string stage, TelemetryOptions? options = null, TimeProvider? timeProvider = null) =>
        new(engine, this, pipeline, stage, options, timeProvider);

    /// <inheritdoc />
    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
