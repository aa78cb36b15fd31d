using Atomiton.Storage.Hosting.Discovery;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Hosting.Logging;

/// <summary>The host's own log messages.</summary>
internal static class HostLog
{
    private static readonly Action<ILogger, string, string, string, Exception?> PluginFailed =
        LoggerMessage.Define<string, string, string>(LogLevel.Warning, new EventId(1, "PluginFailed"),
            "Storage plugin '{Plugin}' at '{Path}' is not available: {Reason}");

    private static readonly Action<ILogger, int, int, Exception?> CatalogueReady =
        LoggerMessage.Define<int, int>(LogLevel.Information, new EventId(2, "CatalogueReady"),
            "Storage host ready: {ProviderCount} providers, {FailureCount} plugin problems");

    public static void Report(ILogger logger, int providers, IReadOnlyList<PluginLoadFailure> failures)
    {
        foreach (var failure in failures)
        {
            PluginFailed(logger, failure.Plugin, failure.Path, failure.Reason, null);
        }

        CatalogueReady(logger, providers, failures.Count, null);
    }
}
