namespace Atomiton.Storage.Template.Tests;

/// <summary>A host folder with its own plugins.json and plugin directory, and a way to run the built host against it.</summary>
internal sealed class HostHarness
{
    private readonly string _hostDll;

    public HostHarness(string repositoryRoot, string workRoot)
    {
        Folder = Path.Combine(workRoot, "host-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(Folder, "plugins"));
        _hostDll = Directory.GetFiles(Path.Combine(repositoryRoot, "host", "Atomiton.Storage.Host", "bin"), "Atomiton.Storage.Host.dll", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault() ?? throw new InvalidOperationException("Build the host first: dotnet build host/Atomiton.Storage.Host");
    }

    public string Folder { get; }

    public string ConfigPath => Path.Combine(Folder, "plugins.json");

    public void InstallPlugin(string pluginFolder)
    {
        var target = Path.Combine(Folder, "plugins", Path.GetFileName(pluginFolder));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(pluginFolder, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(pluginFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    public void WriteConfig(string json) => File.WriteAllText(ConfigPath, json);

    public Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [_hostDll, "--config", ConfigPath, .. arguments], Folder, TimeSpan.FromMinutes(2));
}
