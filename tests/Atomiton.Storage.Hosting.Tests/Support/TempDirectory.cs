namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>A fresh folder deleted at the end of the test (best effort: loaded plugin files may stay locked on Windows).</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "atomiton-hosting-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Copies built test plugins into <paramref name="directory"/> (relative to this folder) and returns its path.</summary>
    public string CopyPlugins(string directory, params string[] plugins)
    {
        string target = Combine(directory);
        Directory.CreateDirectory(target);
        foreach (string plugin in plugins)
        {
            string source = Paths.TestPlugin(plugin);
            string destination = System.IO.Path.Combine(target, plugin);
            Directory.CreateDirectory(destination);
            foreach (string file in Directory.GetFiles(source))
            {
                File.Copy(file, System.IO.Path.Combine(destination, System.IO.Path.GetFileName(file)));
            }
        }

        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A plugin assembly still mapped by its load context; the OS temp cleaner takes it.
        }
    }
}
