using System.IO.Enumeration;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem;

// Listing: a depth-first walk that only enters the folder a prefix names, sorts one folder's
// names at a time (readdir order is arbitrary) and yields entries as it goes, so memory grows
// with the largest single folder and the depth, never with the whole store.
public sealed partial class FileSystemEngine
{
    private static readonly EnumerationOptions ChildrenOnly = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prefix = options.Prefix;
        int slash = prefix.LastIndexOf('/');
        string folderPrefix = prefix[..(slash + 1)];
        string namePrefix = prefix[(slash + 1)..];
        string folder = _paths.FolderPath(folderPrefix);
        _paths.EnsureNoLinks(folder, prefix);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        await foreach (var entry in WalkAsync(folder, folderPrefix, namePrefix, options.StartAfter, options.Recursive, cancellationToken))
        {
            yield return entry;
        }
    }

    private async IAsyncEnumerable<StorageEntry> WalkAsync(string folder, string folderPrefix, string namePrefix, string? startAfter, bool recursive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var child in ReadChildren(folder, folderPrefix, namePrefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (child.IsFolder)
            {
                string childPrefix = child.SortKey;
                bool allBefore = startAfter is not null && string.CompareOrdinal(childPrefix, startAfter) <= 0;
                if (allBefore && !startAfter!.StartsWith(childPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (recursive)
                {
                    await foreach (var entry in WalkAsync(child.Path, childPrefix, string.Empty, startAfter, recursive: true, cancellationToken))
                    {
                        yield return entry;
                    }
                }
                else if (!allBefore && HasObjects(child.Path))
                {
                    yield return StorageEntry.ForPrefix(childPrefix);
                }

                continue;
            }

            if (startAfter is not null && string.CompareOrdinal(child.SortKey, startAfter) <= 0)
            {
                continue;
            }

            var item = TryReadListedItem(child.Path, child.SortKey);
            if (item is not null)
            {
                yield return StorageEntry.ForItem(item);
            }
        }
    }

    /// <summary>The objects and folders directly inside <paramref name="folder"/> whose segment starts with <paramref name="namePrefix"/>, in key order.</summary>
    private List<Child> ReadChildren(string folder, string folderPrefix, string namePrefix)
    {
        var children = new List<Child>();
        var entries = new FileSystemEnumerable<(string Name, bool IsFolder, bool IsLink)>(
            folder,
            (ref FileSystemEntry entry) => (entry.FileName.ToString(), entry.IsDirectory, (entry.Attributes & FileAttributes.ReparsePoint) != 0),
            ChildrenOnly);
        try
        {
            foreach (var (name, isFolder, isLink) in entries)
            {
                if (name.StartsWith(KeyEncoder.InternalPrefix, StringComparison.Ordinal) || isLink)
                {
                    continue; // the engine's own files, and links it never follows
                }

                string path = Path.Combine(folder, name);
                string? segment = isFolder ? FolderSegment(name, path) : FileSegment(name, path);
                if (segment is null || !segment.StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                children.Add(new Child(folderPrefix + segment + (isFolder ? "/" : ""), path, isFolder));
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while listing (its last object was deleted): nothing left to list.
        }

        children.Sort(static (a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
        return children;
    }

    private string? FolderSegment(string name, string path)
    {
        if (!name.EndsWith(KeyEncoder.DirectorySuffix, StringComparison.Ordinal))
        {
            return Foreign(path);
        }

        string encoded = name[..^KeyEncoder.DirectorySuffix.Length];
        return KeyEncoder.IsLongName(encoded) ? ObjectPaths.ReadLongFolderSegment(path) ?? Foreign(path) : KeyEncoder.TryDecode(encoded) ?? Foreign(path);
    }

    private string? FileSegment(string name, string path)
    {
        if (!KeyEncoder.IsLongName(name))
        {
            return KeyEncoder.TryDecode(name) ?? Foreign(path);
        }

        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            string key = ObjectHeader.ReadKey(handle, path);
            return key[(key.LastIndexOf('/') + 1)..];
        }
        catch (Exception e) when (e is FileNotFoundException or StorageException)
        {
            return Foreign(path);
        }
    }

    private StorageItem? TryReadListedItem(string path, string key)
    {
        try
        {
            return ReadHeader(path, key)?.ToItem();
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Integrity)
        {
            _logger.Log(StorageLogLevel.Warning, $"Listing skipped key '{key}': {e.Message}");
            return null;
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            throw IOErrors.Translate(e, key, "list");
        }
    }

    // A shallow listing shows a folder only when an object lives somewhere beneath it.
    private static bool HasObjects(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var name in Directory.EnumerateFiles(folder, "*", options))
        {
            if (!Path.GetFileName(name.AsSpan()).StartsWith(KeyEncoder.InternalPrefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private string? Foreign(string path)
    {
        if (_logger.IsEnabled(StorageLogLevel.Debug))
        {
            _logger.Log(StorageLogLevel.Debug, $"Listing ignored '{path}': not a name the filesystem engine writes.");
        }

        return null;
    }

    private readonly record struct Child(string SortKey, string Path, bool IsFolder);
}
