using Atomiton.Storage;
using Atomiton.Storage.Providers;

namespace FaultyPlugin;

/// <summary>A backend whose factory always throws, to prove the host contains the failure.</summary>
public sealed class FaultyProvider : StorageProvider<FaultyOptions>
{
    public const string FailureMessage = "the faulty test provider always fails to build its engine";

    public override string Name => "faulty";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Always throws from its factory.";

    protected override ValueTask<IStorageEngine> CreateAsync(FaultyOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(FailureMessage);
}
