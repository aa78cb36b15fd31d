using System.Text.Json;
using Atomiton.Storage.Hosting;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>
/// A temporary working folder with a <c>plugins.json</c> whose pipelines use the bundled plugins:
/// <c>local</c> (default) and <c>archive</c> are filesystem folders, <c>mem</c> is in memory.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    public Sandbox(string? configuration = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "atomiton-cli-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(ConfigurationFile, configuration ?? DefaultConfiguration());
    }

    public string Directory { get; }

    public string ConfigurationFile => Path.Combine(Directory, "plugins.json");

    public static string PluginDirectoryJson => JsonSerializer.Serialize(BuildPaths.Plugins);

    public static string DefaultConfiguration() => $$"""
        {
          "pluginDirectories": [{{PluginDirectoryJson}}],
          "defaultPipeline": "local",
          "stages": {
            "disk":    { "type": "filesystem", "options": { "baseDir": "data" } },
            "archive-disk": { "type": "filesystem", "options": { "baseDir": "archive" } }
          },
          "pipelines": {
            "local":   { "chain": ["disk"] },
            "archive": { "chain": ["archive-disk"] },
            "mem":     { "chain": ["memory"] }
          }
        }
        """;

    /// <summary>Runs the host inside the test process, in this sandbox (see <see cref="InProcessCli"/>).</summary>
    public InProcessCli Cli => new(Directory);

    public Task<CliResult> RunAsync(params string[] arguments) => HostProcess.RunAsync(Directory, arguments);

    public Task<CliResult> RunWithInputAsync(byte[] input, params string[] arguments) => HostProcess.RunAsync(Directory, input, arguments);

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>Opens a pipeline of this sandbox in the test process, to seed or inspect it.</summary>
    public async Task<(StorageHost Host, IStorageEngine Engine)> OpenAsync(string pipeline)
    {
        var host = StorageHost.Load(ConfigurationFile);
        return (host, await host.BuildPipelineAsync(pipeline));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file; the temp folder is cleaned up later.
        }
    }
}
