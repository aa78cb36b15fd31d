using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.CircuitBreaker;

/// <summary>The <c>circuit-breaker</c> wrapper; see <see cref="CircuitBreakerEngine"/>.</summary>
public sealed class CircuitBreakerProvider : StorageProvider<CircuitBreakerOptions>
{
    /// <inheritdoc />
    public override string Name => CircuitBreakerEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Stops calling a failing engine for a while after too many transient failures, then probes it.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(CircuitBreakerOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new CircuitBreakerEngine(context.Inner!, options, context.TimeProvider));
}
