using Atomiton.Storage.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>Registers storage health checks with <c>AddHealthChecks()</c>.</summary>
public static class StorageHealthCheckBuilderExtensions
{
    /// <summary>Adds a health check named <paramref name="name"/> for the pipeline <paramref name="resolve"/> returns.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name, usually <c>storage:PIPELINE</c>.</param>
    /// <param name="resolve">Resolves the pipeline from the application's services.</param>
    /// <param name="options">Quota thresholds; null for 80% and 95%.</param>
    /// <param name="logger">Where quota threshold crossings are logged.</param>
    /// <param name="tags">Tags for filtering health endpoints.</param>
    public static IHealthChecksBuilder AddStorageCheck(this IHealthChecksBuilder builder, string name, Func<IServiceProvider, CancellationToken, ValueTask<IStorageEngine>> resolve, StorageHealthCheckOptions? options = null, IStorageLogger? logger = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(resolve);
        var monitor = new QuotaMonitor(name, options, logger);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new StorageHealthCheck(ct => resolve(services, ct), monitor),
            failureStatus: HealthStatus.Unhealthy,
            tags));
    }
}
