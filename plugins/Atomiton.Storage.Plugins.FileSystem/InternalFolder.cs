using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// A folder that belongs to the engine (the base folder itself, <c>%_tmp</c>, <c>%_locks</c>, a
/// folder being built in <c>%_tmp</c>), held open. On Linux every name in it is created, opened,
/// renamed and removed relative to the held handle with O_NOFOLLOW, one name at a time: a link
/// planted where an internal file or folder belongs is refused, never followed, and removing
/// anything never goes through a link; special files (FIFOs, sockets, devices) are refused without
/// being waited on. Elsewhere (Windows, macOS) each name's attributes are checked before it is
/// used by path. Errors name the path relative to the base folder. Thread-safe.
/// </summary>
internal sealed class InternalFolder : IDisposable
{
    private const int MaxDepth = 16;

    private readonly SafeFileHandle? _handle;

    private InternalFolder(SafeFileHandle? handle, string path, string relativePath)
    {
        _handle = handle;
        Path = path;
        RelativePath = relativePath;
    }

    /// <summary>The folder's absolute path.</summary>
    public string Path { get; }

    /// <summary>The folder's path relative to the base folder (<c>.</c> for the base folder), for messages.</summary>
    public string RelativePath { get; }

    /// <summary>True when names are handled beneath the held handle (Linux); false when by path.</summary>
    public bool IsHeld => _handle is not null;

    /// <summary>Holds the base folder (an existing folder whose own path the operator chose, links in it resolved).</summary>
    /// <exception cref="IOException">It cannot be opened.</exception>
    public static InternalFolder OpenBase(string baseDirectory)
    {
        if (!NativeMethods.HandlesInternalFilesBeneath)
        {
            return new InternalFolder(null, baseDirectory, ".");
        }

        int error = NativeMethods.OpenPath(baseDirectory, NativeMethods.OpenPathOnly | NativeMethods.OpenDirectoryOnly!.Value, out var handle);
        return error == 0 ? new InternalFolder(handle, baseDirectory, ".") : throw Failure(error, ".");
    }

    /// <summary>Opens the folder <paramref name="name"/> in this one, creating it when missing.</summary>
    /// <exception cref="StorageException">AccessDenied naming the relative path when it is a link or not a folder.</exception>
    public InternalFolder OpenOrCreateFolder(string name) => OpenFolder(name, create: true)!;

    /// <summary>Opens the existing folder <paramref name="name"/> in this one; null when it is missing.</summary>
    /// <exception cref="StorageException">AccessDenied naming the relative path when it is a link or not a folder.</exception>
    public InternalFolder? OpenFolder(string name, bool create = false)
    {
        string relative = Relative(name);
        string path = System.IO.Path.Join(Path, name);
        for (int attempt = 0; attempt < 8; attempt++)
        {
            if (_handle is null)
            {
                var attributes = new FileInfo(path).Attributes;
                if ((int)attributes == -1)
                {
                    if (!create)
                    {
                        return null;
                    }

                    Directory.CreateDirectory(path);
                    continue;
                }

                return (attributes & FileAttributes.ReparsePoint) != 0 ? throw Refused(relative, "is a symbolic link or junction")
                    : (attributes & FileAttributes.Directory) == 0 ? throw Refused(relative, "is not a folder")
                    : new InternalFolder(null, path, relative);
            }

            int error = NativeMethods.OpenAt(_handle, name, NativeMethods.OpenReadOnly | NativeMethods.OpenDirectoryOnly!.Value | NativeMethods.OpenNoFollow!.Value, out var handle);
            switch (error)
            {
                case 0:
                    return new InternalFolder(handle, path, relative);
                case NativeMethods.ErrorNoEntry when create:
                    error = NativeMethods.CreateFolderAt(_handle, name);
                    if (error is not 0 and not NativeMethods.ErrorExists)
                    {
                        throw Failure(error, relative);
                    }

                    continue;
                case NativeMethods.ErrorNoEntry:
                    return null;
                case NativeMethods.ErrorLoop or NativeMethods.ErrorNotDirectory:
                    throw Refused(relative, DescribeKind(name, "is not a folder"));
                default:
                    throw Failure(error, relative);
            }
        }

        throw new IOException($"'{relative}' inside baseDir kept disappearing while it was being created.");
    }

    /// <summary>
    /// Creates the new file <paramref name="name"/> for reading and writing, with
    /// <paramref name="preallocate"/> bytes reserved (0: none).
    /// </summary>
    /// <exception cref="IOException">It exists, or the disk is full (HResult ENOSPC/EDQUOT).</exception>
    public SafeFileHandle CreateFile(string name, long preallocate)
    {
        if (_handle is null)
        {
            return File.OpenHandle(System.IO.Path.Join(Path, name), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, preallocate);
        }

        int flags = NativeMethods.OpenReadWrite | NativeMethods.OpenCreate | NativeMethods.OpenExclusive | NativeMethods.OpenNoFollow!.Value;
        int error = NativeMethods.OpenAt(_handle, name, flags, out var handle);
        if (error != 0)
        {
            throw Failure(error, Relative(name));
        }

        if (preallocate > 0 && Environment.Is64BitProcess)
        {
            error = NativeMethods.Allocate(handle!, preallocate);
            if (error is NativeMethods.ErrorNoSpace or NativeMethods.ErrorQuota)
            {
                handle!.Dispose();
                Remove(name);
                throw Failure(error, Relative(name));
            }
        }

        return handle!;
    }

    /// <summary>
    /// Opens the regular file <paramref name="name"/> (creating it when <paramref name="create"/>)
    /// for reading and writing, without following a link and without waiting on a special file.
    /// </summary>
    /// <exception cref="StorageException">AccessDenied naming the relative path when it is a link or not a regular file.</exception>
    public SafeFileHandle OpenRegularFile(string name, bool create)
    {
        string relative = Relative(name);
        if (_handle is null)
        {
            string path = System.IO.Path.Join(Path, name);
            var attributes = new FileInfo(path).Attributes;
            if ((int)attributes != -1 && (attributes & (FileAttributes.ReparsePoint | FileAttributes.Directory)) != 0)
            {
                throw Refused(relative, "is a symbolic link, junction or folder");
            }

            return File.OpenHandle(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }

        int flags = NativeMethods.OpenReadWrite | NativeMethods.OpenNonBlocking | NativeMethods.OpenNoFollow!.Value | (create ? NativeMethods.OpenCreate : 0);
        int error = NativeMethods.OpenAt(_handle, name, flags, out var handle);
        if (error is NativeMethods.ErrorLoop or NativeMethods.ErrorIsDirectory or NativeMethods.ErrorNoDeviceOrAddress)
        {
            throw Refused(relative, DescribeKind(name, "is not a regular file"));
        }

        if (error != 0)
        {
            throw Failure(error, relative);
        }

        if (NativeMethods.TryDescribe(handle!, out int kind, out _, out _) && kind != NativeMethods.KindRegular)
        {
            handle!.Dispose();
            throw Refused(relative, "is not a regular file (a FIFO, socket or device)");
        }

        return handle!;
    }

    /// <summary>Whether anything (a link included, never followed) has the name <paramref name="name"/>.</summary>
    public bool Contains(string name)
    {
        if (_handle is null)
        {
            return (int)new FileInfo(System.IO.Path.Join(Path, name)).Attributes != -1;
        }

        int error = NativeMethods.OpenAt(_handle, name, NativeMethods.OpenPathOnly | NativeMethods.OpenNoFollow!.Value, out var handle);
        handle?.Dispose();
        return error != NativeMethods.ErrorNoEntry;
    }

    /// <summary>Whether <paramref name="name"/> still names the file <paramref name="file"/> is open on (not removed or replaced since).</summary>
    public bool StillNames(string name, SafeFileHandle file)
    {
        if (_handle is null)
        {
            return File.Exists(System.IO.Path.Join(Path, name));
        }

        if (!NativeMethods.TryDescribe(file, out _, out ulong device, out ulong inode))
        {
            return true; // statx unavailable: nothing more can be known
        }

        return NativeMethods.TryDescribeAt(_handle, name, out _, out ulong namedDevice, out ulong namedInode)
            && namedDevice == device && namedInode == inode;
    }

    /// <summary>Renames the file or folder <paramref name="name"/> to the absolute path <paramref name="destination"/>, replacing a file there.</summary>
    /// <exception cref="DirectoryNotFoundException">The destination's folder is missing.</exception>
    /// <exception cref="IOException">Another failure; HResult EISDIR when a folder occupies the destination.</exception>
    public void MoveOut(string name, string destination, bool isFolder)
    {
        if (_handle is null)
        {
            string source = System.IO.Path.Join(Path, name);
            if (isFolder)
            {
                Directory.Move(source, destination);
            }
            else
            {
                File.Move(source, destination, overwrite: true);
            }

            return;
        }

        int error = NativeMethods.RenameAt(_handle, name, destination);
        if (error == NativeMethods.ErrorNoEntry)
        {
            throw new DirectoryNotFoundException($"The folder of '{destination}' is missing.");
        }

        if (error != 0)
        {
            throw new IOException($"Could not rename '{Relative(name)}' into place: {NativeMethods.Describe(error)}.", error);
        }
    }

    /// <summary>Removes <paramref name="name"/>: a file, a link (never what it points to) or a folder with everything in it. False when it was not there.</summary>
    /// <exception cref="IOException">It could not be removed; UnauthorizedAccessException when permissions forbid it.</exception>
    public bool Remove(string name) => Remove(name, 0);

    /// <summary>The names in this folder (links included, as names), in no particular order.</summary>
    public List<string> Names()
    {
        var names = new List<string>();
        if (_handle is null)
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(Path))
            {
                names.Add(System.IO.Path.GetFileName(path));
            }

            return names;
        }

        ForEachEntry((name, _) => names.Add(name.ToString()));
        return names;
    }

    public void Dispose() => _handle?.Dispose();

    private bool Remove(string name, int depth)
    {
        if (_handle is null)
        {
            string path = System.IO.Path.Join(Path, name);
            var attributes = new FileInfo(path).Attributes;
            if ((int)attributes == -1)
            {
                return false;
            }

            if ((attributes & FileAttributes.Directory) != 0)
            {
                // A link or junction is removed itself; .NET removes links inside a folder without following them.
                Directory.Delete(path, recursive: (attributes & FileAttributes.ReparsePoint) == 0);
            }
            else
            {
                File.Delete(path);
            }

            return true;
        }

        int error = NativeMethods.RemoveAt(_handle, name, folder: false);
        if (error == NativeMethods.ErrorIsDirectory && depth < MaxDepth)
        {
            using (var folder = OpenFolder(name))
            {
                if (folder is null)
                {
                    return false;
                }

                var children = new List<string>();
                folder.ForEachEntry((child, _) => children.Add(child.ToString()));
                foreach (var child in children)
                {
                    folder.Remove(child, depth + 1);
                }
            }

            error = NativeMethods.RemoveAt(_handle, name, folder: true);
        }

        return error switch
        {
            0 => true,
            NativeMethods.ErrorNoEntry => false,
            _ => throw Failure(error, Relative(name)),
        };
    }

    private void ForEachEntry(DirectoryEntries.Visitor visit)
    {
        int error = NativeMethods.OpenAt(_handle!, ".", NativeMethods.OpenReadOnly | NativeMethods.OpenDirectoryOnly!.Value, out var reading);
        if (error != 0)
        {
            throw Failure(error, RelativePath);
        }

        using (reading)
        {
            if (DirectoryEntries.IsAvailable && DirectoryEntries.ForEach(reading!, Path, visit, includeLinks: true))
            {
                return;
            }
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(Path))
        {
            visit(System.IO.Path.GetFileName(path.AsSpan()), false);
        }
    }

    private string DescribeKind(string name, string otherwise)
    {
        if (_handle is not null && NativeMethods.TryDescribeAt(_handle, name, out int kind, out _, out _))
        {
            return kind switch
            {
                NativeMethods.KindLink => "is a symbolic link",
                NativeMethods.KindFolder => "is a folder",
                NativeMethods.KindRegular => otherwise,
                _ => "is a special file (a FIFO, socket or device)",
            };
        }

        return otherwise;
    }

    private string Relative(string name) => RelativePath == "." ? name : RelativePath + "/" + name;

    /// <summary>The error for an internal name that is not what the engine keeps there.</summary>
    private static StorageException Refused(string relative, string what) =>
        new(StorageErrorCode.AccessDenied,
            $"'{relative}' inside baseDir {what}; the filesystem engine keeps its own {(relative.Contains('/', StringComparison.Ordinal) ? "file" : "folder")} there and never follows or removes what someone else put in its place. Remove '{relative}' (the engine recreates it).");

    private static Exception Failure(int error, string relative) => error switch
    {
        NativeMethods.ErrorAccessDenied or NativeMethods.ErrorNotPermitted =>
            new UnauthorizedAccessException($"Access to '{relative}' inside baseDir is denied ({NativeMethods.Describe(error)})."),
        _ => new IOException($"'{relative}' inside baseDir: {NativeMethods.Describe(error)}.", error),
    };
}
