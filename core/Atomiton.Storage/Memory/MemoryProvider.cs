using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Memory;

/// <summary>The <c>memory</c> backend: everything in process memory, lost when the process ends.</summary>
public sealed class MemoryProvider : StorageProvider<MemoryOptions>
{
    /// <inheritdoc />
    public override string Name => MemoryEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "Thread-safe in-process storage with every capability; optional byte, item and object-size limits.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(MemoryOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new MemoryEngine(options, context.TimeProvider));
}
