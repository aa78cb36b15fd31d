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
    /// <exception cref="StorageException">Integrity when a special file (FIFO, socket, device) is there: it is refused without waiting on it.</exception>
    public SafeFileHandle? OpenRead(string key)
    {
        // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever.
        var file = _baseDirectory is not null ? OpenBeneath(key, NativeMethods.OpenReadOnly | NativeMethods.OpenNonBlocking) : OpenByPath(key);
        return file is null ? null : EnsureRegular(file, key);
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
    /// The content of the small regular file at <paramref name="relativePath"/> (an internal file such
    /// as a folder's <c>%_segment</c>), opened without following links or waiting on special files;
    /// null when it is missing, a link (or beyond one), not a regular file, unreadable or longer than
    /// <paramref name="maxLength"/> bytes.
    /// </summary>
    public byte[]? ReadSmallInternalFile(string relativePath, int maxLength)
    {
        using var file = OpenRegularForListing(relativePath);
        if (file is null)
        {
            return null;
        }

        try
        {
            var buffer = new byte[maxLength + 1];
            int total = 0;
            for (int read; total < buffer.Length && (read = RandomAccess.Read(file, buffer.AsSpan(total), total)) > 0;)
            {
                total += read;
            }

            return total > maxLength ? null : buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens the regular file at <paramref name="relativePath"/> for reading without following links
    /// or waiting on special files; null when it is missing, a link (or beyond one), or not a regular file.
    /// </summary>
    public SafeFileHandle? OpenRegularForListing(string relativePath)
    {
        SafeFileHandle? file;
        if (_baseDirectory is not null)
        {
            if (NativeMethods.OpenBeneath(_baseDirectory, relativePath, NativeMethods.OpenReadOnly | NativeMethods.OpenNonBlocking, out file) != 0)
            {
                return null;
            }
        }
        else
        {
            string path = Path.Join(_paths.BaseDirectory, relativePath);
            try
            {
                _paths.EnsureNoLinks(path, relativePath);
                file = OpenPathNoFollow(path);
            }
            catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        if (file is not null && NativeMethods.TryDescribe(file, out int kind, out _, out _) && kind != NativeMethods.KindRegular)
        {
            file.Dispose();
            return null;
        }

        return file;
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

    // Every component checked with lstat first; the last one opened without following a link and,
    // on Linux, without waiting on a FIFO.
    private SafeFileHandle? OpenByPath(string key)
    {
        string path = _paths.ObjectPath(key);
        _paths.EnsureNoLinks(path, key);
        try
        {
            return OpenPathNoFollow(path);
        }
        catch (Exception e) when (IsMissing(e, path))
        {
            return null;
        }
        catch (IOException e) when (e.HResult == NativeMethods.ErrorLoop)
        {
            throw LinkOnTheWay(key);
        }
    }

    private static SafeFileHandle? OpenPathNoFollow(string path)
    {
        if (!NativeMethods.HandlesInternalFilesBeneath)
        {
            // FileShare.Delete: on Windows a save may rename over the file while it is being read.
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        int error = NativeMethods.OpenPath(path, NativeMethods.OpenReadOnly | NativeMethods.OpenNonBlocking | NativeMethods.OpenNoFollow!.Value, out var handle);
        return error switch
        {
            0 => handle,
            NativeMethods.ErrorNoEntry or NativeMethods.ErrorNotDirectory => null,
            NativeMethods.ErrorAccessDenied or NativeMethods.ErrorNotPermitted => throw new UnauthorizedAccessException($"Access to an object file is denied ({NativeMethods.Describe(error)})."),
            _ => throw new IOException($"Could not open an object file: {NativeMethods.Describe(error)}.", error),
        };
    }

    // A folder where an object file belongs is no object (null); a FIFO, socket or device is refused.
    private static SafeFileHandle? EnsureRegular(SafeFileHandle file, string key)
    {
        if (!NativeMethods.TryDescribe(file, out int kind, out _, out _) || kind == NativeMethods.KindRegular)
        {
            return file;
        }

        file.Dispose();
        return kind == NativeMethods.KindFolder ? null : throw NotRegular(key);
    }

    /// <summary>The Integrity error for a key whose object file is a special file.</summary>
    public static StorageException NotRegular(string key) =>
        new(StorageErrorCode.Integrity,
            $"The file of key '{key}' ('{ObjectPaths.RelativeObjectPath(key).Replace('\\', '/')}' inside baseDir) is not a regular file but a FIFO, socket or device the engine did not write; it is never opened for reading. Remove it (a plain save replaces it).")
        { Key = key };

    private static bool IsMissing(Exception e, string path) =>
        e is FileNotFoundException or DirectoryNotFoundException
        || (e is UnauthorizedAccessException or IOException && Directory.Exists(path));
}
