using System.Globalization;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>
/// Turns the quota an engine reports in <see cref="StorageInfo.Limits"/> (at any level of a
/// pipeline) into a <see cref="QuotaLevel"/>, and logs once each time usage crosses a threshold
/// (warning up, error at critical, information when it falls back). Thread-safe.
/// </summary>
public sealed class QuotaMonitor
{
    private readonly StorageHealthCheckOptions _options;
    private readonly IStorageLogger _logger;
    private readonly string _pipeline;
    private int _level;

    /// <summary>Creates a monitor for the pipeline named <paramref name="pipeline"/>.</summary>
    /// <exception cref="ArgumentException">The warning ratio exceeds the critical one.</exception>
    public QuotaMonitor(string pipeline, StorageHealthCheckOptions? options = null, IStorageLogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _options = options ?? new StorageHealthCheckOptions();
        if (_options.QuotaWarningRatio > _options.QuotaCriticalRatio)
        {
            throw new ArgumentException($"QuotaWarningRatio ({_options.QuotaWarningRatio}) must not exceed QuotaCriticalRatio ({_options.QuotaCriticalRatio}).", nameof(options));
        }

        _pipeline = pipeline;
        _logger = logger ?? NullStorageLogger.Instance;
    }

    /// <summary>The level seen by the last <see cref="Observe"/>.</summary>
    public QuotaLevel Level => (QuotaLevel)Volatile.Read(ref _level);

    /// <summary>The quota reported by <paramref name="info"/> or the first level beneath it that reports one.</summary>
    public static (long Used, long Total)? FindQuota(StorageInfo info)
    {
        for (var level = info; level is not null; level = level.Inner)
        {
            if (level.Limits is { QuotaUsed: { } used, QuotaTotal: { } total and > 0 })
            {
                return (used, total);
            }
        }

        return null;
    }

    /// <summary>Classifies the quota in <paramref name="info"/>, logging when the level changed.</summary>
    public QuotaLevel Observe(StorageInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var quota = FindQuota(info);
        double ratio = quota is { } q ? (double)q.Used / q.Total : 0;
        var level = ratio >= _options.QuotaCriticalRatio && quota is not null ? QuotaLevel.Critical
            : ratio >= _options.QuotaWarningRatio && quota is not null ? QuotaLevel.Warning
            : QuotaLevel.Normal;
        var previous = (QuotaLevel)Interlocked.Exchange(ref _level, (int)level);
        if (level != previous && quota is { } changed)
        {
            var (logLevel, advice) = level switch
            {
                QuotaLevel.Critical => (StorageLogLevel.Error, "Writes will soon fail with QuotaExceeded: delete objects or raise the quota now."),
                QuotaLevel.Warning => (StorageLogLevel.Warning, "Plan to delete objects or raise the quota."),
                _ => (StorageLogLevel.Information, "Usage is back below the warning threshold."),
            };
            if (_logger.IsEnabled(logLevel))
            {
                _logger.Log(logLevel, $"Pipeline '{_pipeline}' uses {changed.Used} of {changed.Total} quota bytes ({ratio.ToString("P1", CultureInfo.InvariantCulture)}). {advice}");
            }
        }

        return level;
    }
}
