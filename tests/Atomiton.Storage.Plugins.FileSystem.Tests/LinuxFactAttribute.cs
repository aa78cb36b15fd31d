namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>A fact about Linux (FIFOs made with mkfifo, openat2, flock): skipped elsewhere, with the reason.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux: the case relies on mkfifo and the engine's Linux-only handling of internal files.";
        }
    }
}
