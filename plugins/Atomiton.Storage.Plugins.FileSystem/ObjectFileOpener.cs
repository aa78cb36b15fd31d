using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// Opens object files (and, for listings, folders) for reading without ever following a link inside the base folder. On Linux
/// 5.6+ the kernel resolves the path beneath a handle of the base folder (openat2 with
/// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): one system call, and no window between a check and the
/// open. Elsewhere — other systems, older kernels, containers whose seccomp filter refuses openat2,
/// or <see cref="PathResolution.CheckEachComponent"/> — every existing path component is checked with
/// lstat before the open (<see cref="ObjectPaths.EnsureNoLinks"/>). Thread-safe.
/// </summary>
internal sealed class ObjectFileOpener : IDisposable
{
    private readonly ObjectPaths _paths;
    private readonly SafeFileHandle? _baseDirectory;

    public ObjectFileOpener(ObjectPaths paths, PathResolution resolution)
    {
        _paths = paths;
        _baseDirectory = resolution == PathResolution.Kernel ? NativeMethods.TryOpenForBeneathResolution(paths.BaseDirectory) : null;
    }

    /// <summary>True when the kernel resolves paths (openat2); false when each component is checked with lstat.</summary>
    public bool ResolvesInKernel => _baseDirectory is not null;

    /// <summary>True when <see cref="OpenFolder"/> can open folders (the kernel resolves paths, and O_DIRECTORY is known here).</summary>
    public bool OpensFoldersInKernel => _baseDirectory is not null && NativeMethods.OpenDirectoryOnly is not null;

    /// <summary>Opens the object file of <paramref name="key"/> for reading; null when there is none.</summary>
    /// <exception cref="StorageException">AccessDenied when a link lies on the path.</exception>
    /// <exception cref="IOException">Another failure to open (see <see cref="IOErrors"/>); UnauthorizedAccessException when permissions forbid it.</exception>
    public SafeFileHandle? OpenRead(string key)
    {
        if (_baseDirectory is not null)
        {
            return OpenBeneath(key, NativeMethods.OpenReadOnly);
        }

        string path = _paths.ObjectPath(key);
        _paths.EnsureNoLinks(path, key);
        try
        {
            // FileShare.Delete: on Windows a save may rename over the file while it is being read.
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (IsMissing(e, path))
        {
            return null;
        }
    }

    /// <summary>Whether the object file of <paramref name="key"/> exists (anything there but a folder).</summary>
    /// <exception cref="StorageException">AccessDenied when a link lies on the path.</exception>
    public bool Exists(string key)
    {
        if (_baseDirectory is not null)
        {
            using var handle = OpenBeneath(key, NativeMethods.OpenPathOnly);
            return handle is not null && (File.GetAttributes(handle) & FileAttributes.Directory) == 0;
        }

        string path = _paths.ObjectPath(key);
        _paths.EnsureNoLinks(path, key);
        return File.Exists(path);
    }

    /// <summary>
    /// Opens the folder at <paramref name="relativePath"/> (<c>.</c> for the base folder) for reading
    /// its entries, through the kernel and never through a link; null when it is missing, is not a
    /// folder, or is (or lies beyond) a link. Only when <see cref="OpensFoldersInKernel"/>.
    /// </summary>
    /// <exception cref="IOException">Another failure to open; UnauthorizedAccessException when permissions forbid it.</exception>
    public SafeFileHandle? OpenFolder(string relativePath)
    {
        if (_baseDirectory is null || NativeMethods.OpenDirectoryOnly is not { } directoryOnly)
        {
            throw new InvalidOperationException("Folders are opened through the kernel only when OpensFoldersInKernel is true.");
        }

        int error = NativeMethods.OpenBeneath(_baseDirectory, relativePath, NativeMethods.OpenReadOnly | directoryOnly, out var handle);
        return error switch
        {
            0 => handle,
            NativeMethods.ErrorNoEntry or NativeMethods.ErrorNotDirectory or NativeMethods.ErrorLoop or NativeMethods.ErrorCrossDevice => null,
            _ => throw OpenFailure(error, relativePath),
        };
    }

    /// <summary>
    /// Whether reading an opened "object file" failed because it is a folder (a folder named like an
    /// object file, which the kernel path opens without complaint): the object does not exist.
    /// </summary>
    public static bool IsFolder(IOException e) => OperatingSystem.IsLinux() && e.HResult == NativeMethods.ErrorIsDirectory;

    public void Dispose() => _baseDirectory?.Dispose();

    private SafeFileHandle? OpenBeneath(string key, int flags)
    {
        string relative = ObjectPaths.RelativeObjectPath(key);
        int error = NativeMethods.OpenBeneath(_baseDirectory!, relative, flags, out var handle);
        return error switch
        {
            0 => handle,
            NativeMethods.ErrorNoEntry or NativeMethods.ErrorNotDirectory => null,
            NativeMethods.ErrorLoop or NativeMethods.ErrorCrossDevice => throw LinkOnTheWay(key),
            _ => throw OpenFailure(error, relative),
        };
    }

    // Any other errno of an open beneath the base folder, as the exception IOErrors translates.
    private Exception OpenFailure(int error, string relative)
    {
        string path = Path.Join(_paths.BaseDirectory, relative);
        return error switch
        {
            NativeMethods.ErrorAccessDenied or NativeMethods.ErrorNotPermitted =>
                new UnauthorizedAccessException($"Access to '{path}' is denied ({NativeMethods.Describe(error)})."),
            NativeMethods.ErrorNameTooLong => new PathTooLongException($"The path '{path}' is too long ({NativeMethods.Describe(error)})."),
            _ => new IOException($"Could not open '{path}': {NativeMethods.Describe(error)}.", error),
        };
    }

    // The kernel only says a link was on the way: name it when it is still there.
    private StorageException LinkOnTheWay(string key)
    {
        _paths.EnsureNoLinks(_paths.ObjectPath(key), key);
        return ObjectPaths.LinkRefused(key, "a symbolic link inside the base folder");
    }

    private static bool IsMissing(Exception e, string path) =>
        e is FileNotFoundException or DirectoryNotFoundException
        || (e is UnauthorizedAccessException or IOException && Directory.Exists(path));
}
