namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>A named pipeline of <c>plugins.json</c>: its chain, outermost stage first.</summary>
/// <param name="Name">The pipeline's name (its key under <c>pipelines</c>).</param>
/// <param name="Chain">Stage names or provider types, outermost first; the last one is the backend.</param>
/// <param name="ChainPath">The configuration path of the chain, for locating problems.</param>
sealed partial record PipelineDefinition(string Name, IReadOnlyList<string> Chain, string ChainPath);
