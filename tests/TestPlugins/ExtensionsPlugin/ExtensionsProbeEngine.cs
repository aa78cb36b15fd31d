using System.Runtime.Loader;
using Atomiton.Storage;
using Microsoft.Extensions.Primitives;

namespace ExtensionsPlugin;

/// <summary>Forwards everything; its information's details say which copies the plugin uses.</summary>
public sealed class ExtensionsProbeEngine(IStorageEngine inner, bool servicesGiven, bool loggerFactoryVisible) : DelegatingStorageEngine(inner)
{
    public override string EngineType => "extensions-probe";

    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var info = await base.GetInfoCoreAsync(cancellationToken);
        var primitives = typeof(StringValues).Assembly;
        var contract = typeof(IStorageEngine).Assembly;
        return info with
        {
            Details = new Dictionary<string, string>
            {
                ["primitivesVersion"] = primitives.GetName().Version?.ToString() ?? "",
                ["primitivesInPluginContext"] = AssemblyLoadContext.GetLoadContext(primitives) == AssemblyLoadContext.GetLoadContext(GetType().Assembly) ? "true" : "false",
                ["contractInDefaultContext"] = AssemblyLoadContext.GetLoadContext(contract) == AssemblyLoadContext.Default ? "true" : "false",
                ["contractLocation"] = contract.Location,
                ["servicesGiven"] = servicesGiven ? "true" : "false",
                ["loggerFactoryVisible"] = loggerFactoryVisible ? "true" : "false",
                ["joined"] = StringValues.Concat(new StringValues("a"), "b").ToString(),
            },
        };
    }
}
