namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>
/// A plugin folder, or one provider type in it, that the host could not use. The host keeps
/// running without it; a pipeline that needs it fails when it is built, listing these failures.
/// </summary>
/// <param name="Plugin">The plugin's name (its folder name), or the plugin directory when the directory itself is the problem.</param>
/// <param name="Path">The folder or file involved.</param>
/// <param name="Reason">What went wrong and what to do about it.</param>
public sealed record PluginLoadFailure(string Plugin, string Path, string Reason)
{
    /// <summary>Whether the failure is a whole plugin directory (of <c>pluginDirectories</c>) rather than one plugin in it.</summary>
    public bool IsPluginDirectory => string.Equals(Plugin, Path, StringComparison.Ordinal);

    /// <summary>The failure as one line: plugin (or plugin directory), path and reason.</summary>
    public override string ToString() => IsPluginDirectory ? $"plugin directory '{Path}': {Reason}" : $"plugin '{Plugin}' at '{Path}': {Reason}";
}
