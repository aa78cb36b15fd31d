using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>A named stage of <c>plugins.json</c>: a provider type and its options.</summary>
/// <param name="Name">The stage's name (its key under <c>stages</c>).</param>
/// <param name="Type">The provider type, or null when the file names none.</param>
/// <param name="Options">The stage's <c>options</c> section (empty when absent).</param>
/// <param name="Section">The stage's own section, for locating problems.</param>
sealed partial record StageDefinition(string Name, string? Type, IConfigurationSection Options, IConfigurationSection Section);
