using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Audit;

/// <summary>Options of the <c>audit</c> stage. Exactly one of <see cref="Path"/> and <see cref="SinkPipeline"/> is set.</summary>
public sealed class AuditOptions
{
    /// <summary>The JSON-lines file records are appended to (relative to the folder of <c>plugins.json</c>).</summary>
    [StoragePath]
    public string? Path { get; set; }

    /// <summary>Another pipeline records are written to, one create-only object per record under <see cref="SinkPrefix"/>.</summary>
    public string? SinkPipeline { get; set; }

    /// <summary>The key prefix of records in <see cref="SinkPipeline"/>.</summary>
    public string SinkPrefix { get; set; } = "audit/";

    /// <summary>Flush each record to stable storage (fsync) before the operation returns.</summary>
    public bool Durable { get; set; }

    /// <summary>Record reads (load, stat, exists, list, info) as well as writes.</summary>
    public bool IncludeReads { get; set; } = true;

    /// <summary>The caller recorded when none is set with <see cref="AuditCaller.Begin"/>; null records none.</summary>
    public string? DefaultCaller { get; set; }
}
