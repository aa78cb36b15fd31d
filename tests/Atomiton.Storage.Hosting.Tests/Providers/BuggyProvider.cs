using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>The in-test <c>buggy</c> backend: every operation breaks the contract the way a plugin's bug would.</summary>
public sealed class BuggyProvider : StorageProvider<BuggyOptions>
{
    public override string Name => "buggy";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Throws non-storage exceptions, as a plugin with a bug does.";

    protected override ValueTask<IStorageEngine> CreateAsync(BuggyOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new BuggyEngine(options));
}
