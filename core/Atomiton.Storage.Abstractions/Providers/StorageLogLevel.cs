namespace Atomiton.Storage.Providers;

/// <summary>Severity of a log message (same order as Microsoft.Extensions.Logging's).</summary>
public enum StorageLogLevel
{
    /// <summary>Detailed tracing.</summary>
    Trace = 0,

    /// <summary>Diagnostics.</summary>
    Debug,

    /// <summary>Normal operation.</summary>
    Information,

    /// <summary>Something unexpected that was handled.</summary>
    Warning,

    /// <summary>An operation failed.</summary>
    Error,

    /// <summary>The engine cannot continue.</summary>
    Critical,
}
