namespace Atomiton.Storage.Sync;

/// <summary>One side of a pair: a name (a pipeline name on the command line), its engine, and its identity.</summary>
/// <param name="Name">A human name for messages (<c>local</c>, <c>cloud</c>).</param>
/// <param name="Engine">The engine (any pipeline).</param>
public sealed record SyncEndpoint(string Name, IStorageEngine Engine)
{
    /// <summary>
    /// What must stay the same between runs (checked by the identity valve): by default the name and
    /// the engine type. Give a root path, tenant or drive id when there is one.
    /// </summary>
    public string? Identity { get; init; }

    /// <summary>The identity checked between runs.</summary>
    public string EffectiveIdentity => Identity ?? $"{Name}|{Engine.EngineType}";
}
