namespace Atomiton.Storage.Hosting.Tests.Providers;

public sealed class ProbeWrapperOptions
{
    /// <summary>When set, the wrapper builds this pipeline too (through ResolvePipeline), as failover would.</summary>
    public string? AlsoBuild { get; set; }

    /// <summary>When true, the factory throws (to check that the engine beneath is disposed).</summary>
    public bool Fail { get; set; }

    /// <summary>When set, the factory throws a transient <see cref="StorageException"/> with this code, as a provider whose service refused it would.</summary>
    public StorageErrorCode? FailWith { get; set; }
}
