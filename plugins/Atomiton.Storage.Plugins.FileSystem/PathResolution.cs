namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>How the engine makes sure no path it opens for reading passes through a link.</summary>
internal enum PathResolution
{
    /// <summary>The kernel resolves paths beneath the base folder and refuses links (Linux 5.6+, openat2) when it can; otherwise <see cref="CheckEachComponent"/>.</summary>
    Kernel,

    /// <summary>Each existing component of the path is checked with lstat before the open (every system; the only way before Linux 5.6).</summary>
    CheckEachComponent,
}
