using System.Diagnostics.CodeAnalysis;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Pipelines;

/// <summary>
/// The providers a <see cref="PipelinePlanner"/> checks chains against: the plugin host's catalogue
/// (built-in and plugin providers) or the providers a browser app registered by reference.
/// </summary>
internal interface IPipelineProviders
{
    /// <summary>The provider names, sorted, as listed in messages.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>
    /// What may explain an unknown provider type (appended to that message, starting with a space),
    /// such as plugins that failed to load; empty when there is nothing to add.
    /// </summary>
    string UnknownTypeNote { get; }

    /// <summary>Finds a provider by its name (case-sensitive, as names are lowercase).</summary>
    bool TryGetProvider(string name, [NotNullWhen(true)] out IStorageProvider? provider);
}
