using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Observability;

/// <summary>
/// The <c>telemetry</c> wrapper: instruments the stage beneath it by hand. The hosting library
/// instruments every stage automatically with <see cref="StorageTelemetry.Instrument"/>; this
/// descriptor is for hosts that do not, or to trace one pipeline with keys excluded. It uses the
/// <see cref="StorageTelemetry"/> registered in the application's services, or <see cref="StorageTelemetry.Shared"/>.
/// </summary>
public sealed class TelemetryProvider : StorageProvider<TelemetryOptions>
{
    /// <summary>The provider name, <c>telemetry</c>.</summary>
    public const string TypeName = "telemetry";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Traces, measures and logs every call to the stage beneath it (ActivitySource and Meter 'Atomiton.Storage').";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(TelemetryOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        var telemetry = context.Services?.GetService(typeof(StorageTelemetry)) as StorageTelemetry ?? StorageTelemetry.Shared;
        options.Logger ??= context.Logger;
        return ValueTask.FromResult<IStorageEngine>(telemetry.Instrument(context.Inner!, context.PipelineName, context.StageName, options, context.TimeProvider));
    }
}
