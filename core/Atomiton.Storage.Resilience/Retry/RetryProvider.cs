using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Retry;

/// <summary>The <c>retry</c> wrapper; see <see cref="RetryEngine"/> and docs/resilience.md.</summary>
public sealed class RetryProvider : StorageProvider<RetryOptions>
{
    /// <inheritdoc />
    public override string Name => RetryEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Retries transient failures with exponential back-off and jitter, honours retry-after hints, and repeats only writes that are safe to repeat.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(RetryOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new RetryEngine(context.Inner!, options, context.TimeProvider, context.Logger));
}
