namespace Atomiton.Storage.Plugins.Browser.Hosting;

/// <summary>
/// The pipelines of a plugins.json-shaped configuration, built in the browser: scoped (in Blazor Server,
/// one per circuit, since the page's <see cref="Microsoft.JSInterop.IJSRuntime"/> belongs to the circuit),
/// each built once on first use, without blocking (WebAssembly has one thread), and disposed with the scope.
/// </summary>
public interface IBrowserStoragePipelines
{
    /// <summary>The declared pipelines' names, sorted.</summary>
    IReadOnlyList<string> PipelineNames { get; }

    /// <summary>The default pipeline's name, or null when none is declared.</summary>
    string? DefaultPipeline { get; }

    /// <summary>The engine of pipeline <paramref name="name"/> (the default pipeline when null), built on first use and shared within the scope.</summary>
    /// <exception cref="StorageException">InvalidConfiguration naming the pipeline, stage and option; or the error of a stage that failed to build.</exception>
    ValueTask<IStorageEngine> GetAsync(string? name = null, CancellationToken cancellationToken = default);
}
