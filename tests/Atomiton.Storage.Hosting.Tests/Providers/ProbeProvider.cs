using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>The in-test <c>probe</c> backend, found by the same scan as plugins when the test assembly counts as built in.</summary>
public sealed class ProbeProvider : StorageProvider<ProbeOptions>
{
    public override string Name => "probe";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Remembers its options.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        if (context.Logger.IsEnabled(StorageLogLevel.Debug))
        {
            context.Logger.Log(StorageLogLevel.Debug, $"probe built for stage '{context.StageName}'");
        }

        return ValueTask.FromResult<IStorageEngine>(new ProbeEngine(options, context));
    }
}
