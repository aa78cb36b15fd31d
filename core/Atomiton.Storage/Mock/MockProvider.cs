using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Mock;

/// <summary>
/// The <c>mock</c> backend: a <see cref="MockEngine"/> over its own private memory engine.
/// </summary>
/// <remarks>
/// A descriptor has one fixed kind, so the mock comes as two descriptors sharing
/// <see cref="MockOptions"/> and <see cref="MockEngine"/>: <c>mock</c>, a backend that stores
/// in its own memory (the seed's <c>createMock</c>), and <c>chaos</c> (<see cref="ChaosProvider"/>),
/// a wrapper that injects the same latency, failures and quota in front of any stage beneath it —
/// "mock over memory", or chaos testing of a real provider.
/// </remarks>
public sealed class MockProvider : StorageProvider<MockOptions>
{
    /// <inheritdoc />
    public override string Name => MockEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "In-memory storage with configurable latency, random transient failures, a byte quota and scripted faults; deterministic with a seed.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(MockOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new MockEngine(options, context.TimeProvider));
}
