using System.Runtime.InteropServices;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>The libc calls .NET does not expose: fsync of a folder (Unix), openat2 (Linux).</summary>
internal static partial class NativeMethods
{
    /// <summary>Flushes a directory's entries (renames, creations, deletions) to stable storage. No-op on Windows, where NTFS journals them.</summary>
    /// <exception cref="IOException">The directory could not be opened or flushed.</exception>
    public static void FlushDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Open(path, OpenReadOnly); // no O_CLOEXEC: its value differs between Linux and macOS
        if (fd < 0)
        {
            throw new IOException($"Could not open directory '{path}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (FSync(fd) != 0)
            {
                throw new IOException($"Could not flush directory '{path}' to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int fd);
}
