using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>The <c>quota-monitor</c> wrapper; see <see cref="QuotaMonitorEngine"/>.</summary>
public sealed class QuotaMonitorProvider : StorageProvider<QuotaMonitorOptions>
{
    /// <inheritdoc />
    public override string Name => QuotaMonitorEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Logs a warning when quota usage crosses configurable thresholds, checked after writes, and reports it to health checks.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(QuotaMonitorOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new QuotaMonitorEngine(context.Inner!, context.PipelineName, options, context.TimeProvider, context.Logger));
}
