using Atomiton.Storage.Hosting.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Hosting.Tests.Configuration;

public sealed class LoggingTests
{
    [Fact]
    public async Task Plugin_failures_are_logged_as_warnings_and_engines_log_through_the_adapted_logger()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json13Plugin");
        File.Delete(Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"));
        string file = temp.Combine("plugins.json");
        await File.WriteAllTextAsync(file, """{ "pluginDirectories": ["plugins"], "pipelines": { "p": { "chain": ["probe"] } } }""");
        var recorder = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(recorder).SetMinimumLevel(LogLevel.Trace));
        var options = new StorageHostOptions { ConfigurationFile = file, LoggerFactory = loggerFactory };
        options.BuiltInAssemblies.Clear();
        options.BuiltInAssemblies.Add(TestHosts.TestAssembly);

        using var host = StorageHost.Create(options);
        await using var engine = await host.BuildPipelineAsync("p");

        Assert.Contains(recorder.Messages, m => m.Category == "Atomiton.Storage.Hosting" && m.Level == LogLevel.Warning
            && m.Message == $"Storage plugin 'Json13Plugin' at '{Path.Combine(plugins, "Json13Plugin")}' is not available: {host.Catalogue.Failures[0].Reason}");
        Assert.Contains(recorder.Messages, m => m.Category == "Atomiton.Storage.probe" && m.Level == LogLevel.Debug && m.Message == "probe built for stage 'probe'");
    }
}
