using Atomiton.Storage;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Logging;

namespace ExtensionsPlugin;

/// <summary>The extensions-probe wrapper: reports which Microsoft.Extensions.* copies the plugin runs with.</summary>
public sealed class ExtensionsProbeProvider : StorageProvider<ExtensionsProbeOptions>
{
    public override string Name => "extensions-probe";

    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    public override string Description => "Reports the Microsoft.Extensions.* assemblies the plugin runs with and what it can see of the host's services.";

    protected override ValueTask<IStorageEngine> CreateAsync(ExtensionsProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        // As a plugin author would try it: ask the host's services for an ILoggerFactory, by the plugin's own ILoggerFactory type.
        bool servicesGiven = context.Services is not null;
        bool loggerFactoryVisible = context.Services?.GetService(typeof(ILoggerFactory)) is not null;
        return ValueTask.FromResult<IStorageEngine>(new ExtensionsProbeEngine(context.Inner!, servicesGiven, loggerFactoryVisible));
    }
}
