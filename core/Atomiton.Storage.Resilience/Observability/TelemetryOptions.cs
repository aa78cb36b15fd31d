using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Observability;

/// <summary>Options of the <c>telemetry</c> stage and of <see cref="StorageTelemetry.Instrument"/>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Whether traces carry the key (<c>storage.key</c>); turn off when keys themselves are sensitive.</summary>
    public bool IncludeKeys { get; set; } = true;

    /// <summary>Where failures are logged at Debug level (operation, key, code, duration; never content). Not bound from configuration.</summary>
    public IStorageLogger? Logger { get; set; }
}
