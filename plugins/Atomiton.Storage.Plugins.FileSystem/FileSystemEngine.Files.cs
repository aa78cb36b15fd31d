using System.Buffers;
using Atomiton.Storage.Providers;
using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

// File-level steps shared by the operations: opening, reading headers, renaming, tidying folders.
public sealed partial class FileSystemEngine
{
    private static string OpenBaseDirectory(FileSystemOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BaseDir))
        {
            throw Misconfigured("baseDir is required: set it to the folder the filesystem engine stores objects in.");
        }

        string full;
        try
        {
            full = Path.GetFullPath(options.BaseDir);
            if (File.Exists(full))
            {
                throw Misconfigured($"baseDir '{full}' is a file, not a folder. Point it at a folder.");
            }

            if (!Directory.Exists(full))
            {
                if (!options.CreateIfMissing)
                {
                    throw Misconfigured($"baseDir '{full}' does not exist and createIfMissing is false. Create the folder or set createIfMissing to true.");
                }

                Directory.CreateDirectory(full);
            }

            // Links in the configured path itself are the operator's choice: resolve them once, so
            // the only links refused later are those planted inside the base folder.
            full = ResolveLinks(full);
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e) || e is ArgumentException or NotSupportedException)
        {
            throw Misconfigured($"baseDir '{options.BaseDir}' cannot be used: {e.Message}", e);
        }

        return Path.TrimEndingDirectorySeparator(full);
    }

    private static string ResolveLinks(string path)
    {
        string? parent = Path.GetDirectoryName(path);
        string resolvedParent = parent is null ? path : ResolveLinks(parent);
        string current = parent is null ? path : Path.Combine(resolvedParent, Path.GetFileName(path));
        for (int hops = 0; hops < 40; hops++)
        {
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not { } target)
            {
                return current;
            }

            current = Path.GetFullPath(target, Path.GetDirectoryName(current) ?? current);
        }

        throw Misconfigured($"baseDir '{path}' goes through too many symbolic links.");
    }

    /// <summary>
    /// The header of <paramref name="key"/>'s object, or null when there is none; with its SHA-256
    /// (computed from the content for a format 1 file) unless <paramref name="withHash"/> is false.
    /// </summary>
    private ObjectHeader? ReadHeader(string key, bool withHash = true)
    {
        using var file = _opener.OpenRead(key);
        if (file is null)
        {
            return null;
        }

        Span<byte> first = stackalloc byte[ObjectHeader.FirstRead];
        try
        {
            var header = ObjectHeader.Read(file, key, first, out _);
            return withHash ? WithContentHash(header, file) : header;
        }
        catch (IOException e) when (ObjectFileOpener.IsFolder(e))
        {
            return null;
        }
    }

    /// <summary>The header of an opened object file, the file's first bytes in <paramref name="buffer"/>.</summary>
    private static ObjectHeader ReadHeader(SafeFileHandle file, string key, Span<byte> buffer, out int buffered)
    {
        try
        {
            return ObjectHeader.Read(file, key, buffer, out buffered);
        }
        catch (IOException e) when (ObjectFileOpener.IsFolder(e))
        {
            throw StorageException.NotFound(key);
        }
    }

    /// <summary>
    /// The header with its SHA-256: as stored (format 2), or computed by reading the content of a
    /// format 1 file, which never stored one (every time it is read, until the key is saved again).
    /// </summary>
    private static ObjectHeader WithContentHash(ObjectHeader header, SafeFileHandle file)
    {
        if (header.Sha256 is not null)
        {
            return header;
        }

        using var hash = StorageContentHash.Create(StorageHashAlgorithms.Sha256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long offset = header.Length;
            long end = header.Length + header.ContentLength;
            while (offset < end)
            {
                int read = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(CopyBufferSize, end - offset)), offset);
                if (read == 0)
                {
                    throw new StorageException(StorageErrorCode.Integrity, $"The file of key '{header.Key}' ended before its content did (truncated while being read?). Restore it from a backup or delete the key.") { Key = header.Key };
                }

                hash.Append(buffer.AsSpan(0, read));
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return header with { Sha256 = hash.GetResult() };
    }

    /// <summary>
    /// The current object's ETag and times, for a write's condition. A corrupt object counts as
    /// present with an unknown ETag: create-only and if-match writes fail, plain writes replace it.
    /// </summary>
    private (string? ETag, DateTimeOffset? Created, DateTimeOffset? Updated) TryReadCurrent(string key)
    {
        try
        {
            var header = ReadHeader(key, withHash: false);
            return (header?.ETag, header?.Created, header?.Updated);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Integrity)
        {
            _logger.Log(StorageLogLevel.Warning, $"The file of key '{key}' is corrupt; a write replaces it. {e.Message}");
            return ("corrupt", null, null);
        }
    }

    // A folder removed by a concurrent delete between creating folders and renaming is recreated.
    private void MoveIntoPlace(string key, string path, string temporary, ref List<string> createdFolders)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _temporary.Folder.MoveOut(temporary, path, isFolder: false);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < RenameAttempts)
            {
                createdFolders = _paths.CreateFolders(key);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && (e.HResult == NativeMethods.ErrorIsDirectory || Directory.Exists(path)))
            {
                throw FolderInTheWay(key);
            }
        }
    }

    // Empty folders would otherwise show as common prefixes; removing them is best effort
    // (a concurrent save recreates what it needs, see MoveIntoPlace).
    private void RemoveEmptyFolders(string folder)
    {
        while (folder.Length > _paths.BaseDirectory.Length && !KeyEncoder.IsLongName(Path.GetFileName(folder)))
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            if (_options.Durable)
            {
                NativeMethods.FlushDirectory(Path.GetDirectoryName(folder)!);
            }

            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private static StorageException Misconfigured(string message, Exception? inner = null) =>
        new(StorageErrorCode.InvalidConfiguration, message, inner) { Provider = TypeName, Operation = "create" };

    // A folder the engine did not create sits where the key's object file belongs: renaming over
    // it is impossible, and removing it would destroy someone else's files.
    private static StorageException FolderInTheWay(string key) =>
        new(StorageErrorCode.Integrity,
            $"Cannot save key '{key}': a folder '{ObjectPaths.RelativeObjectPath(key).Replace('\\', '/')}' inside baseDir occupies the place of its object file (the engine never creates a folder there). Move that folder away, then retry. Nothing was written.")
        { Key = key };

    private static StorageException TooLarge(string key, long size, long limit) =>
        new(StorageErrorCode.ObjectTooLarge, $"The object for key '{key}' has at least {size} bytes; maxObjectSize is {limit}. Nothing was written.")
        { Key = key };
}
