using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Pipelines;

/// <summary>One stage of a checked pipeline: its provider and its bound, validated options.</summary>
/// <param name="StageName">The stage's name (or the provider type, when the chain names a type directly).</param>
/// <param name="JsonPath">Where the stage is declared, for messages.</param>
/// <param name="Provider">The provider that builds it.</param>
/// <param name="Options">Its options, of the provider's options type.</param>
internal sealed record PlannedStage(string StageName, string JsonPath, IStorageProvider Provider, object Options);
