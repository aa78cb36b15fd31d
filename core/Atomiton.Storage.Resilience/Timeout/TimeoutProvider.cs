using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>The <c>timeout</c> wrapper; see <see cref="TimeoutEngine"/>.</summary>
public sealed class TimeoutProvider : StorageProvider<TimeoutOptions>
{
    /// <inheritdoc />
    public override string Name => TimeoutEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Cancels calls that exceed a time budget and reports them as transient Timeout errors.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(TimeoutOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new TimeoutEngine(context.Inner!, options, context.TimeProvider));
}
