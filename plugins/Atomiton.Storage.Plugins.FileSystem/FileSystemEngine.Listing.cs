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
        // Keys below this folder all start with folderPrefix: startAfter matters only when it does too.
        string? localStartAfter = startAfter is not null && startAfter.StartsWith(folderPrefix, StringComparison.Ordinal) ? startAfter[folderPrefix.Length..] : null;
        foreach (var child in SortedChildren(folder, namePrefix, localStartAfter))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(folder, child.Name);
            if (IsLink(path))
            {
                continue; // links planted inside baseDir are never followed
            }

            if (child.IsFolder)
            {
                string childPrefix = folderPrefix + child.Segment + "/";
                if (recursive)
                {
                    await foreach (var entry in WalkAsync(path, childPrefix, string.Empty, startAfter, recursive: true, cancellationToken))
                    {
                        yield return entry;
                    }
                }
                else if ((startAfter is null || string.CompareOrdinal(childPrefix, startAfter) > 0) && HasObjects(path))
                {
                    yield return StorageEntry.ForPrefix(childPrefix);
                }

                continue;
            }

            var item = TryReadListedItem(folderPrefix + child.Segment);
            if (item is not null)
            {
                yield return StorageEntry.ForItem(item);
            }
        }
    }

    /// <summary>
    /// The objects and folders directly inside <paramref name="folder"/> whose segment starts with
    /// <paramref name="namePrefix"/>, in key order. Folder entries come back in arbitrary order, so
    /// this selects the next batch of at most <see cref="SelectionSize"/> smallest names per pass
    /// over the folder: memory stays bounded however many files one folder holds.
    /// </summary>
    private IEnumerable<Child> SortedChildren(string folder, string namePrefix, string? startAfter)
    {
        int total = CountEntries(folder);
        if (total == 0)
        {
            yield break;
        }

        int batch = SelectionSize(total);
        Child? lowerBound = null;
        var selection = new PriorityQueue<Child, Child>(Math.Min(batch, total) + 1, Comparer<Child>.Create(static (a, b) => Child.Compare(b, a)));
        while (true)
        {
            foreach (var child in ReadChildren(folder, namePrefix))
            {
                if (lowerBound is { } bound && Child.Compare(child, bound) <= 0)
                {
                    continue;
                }

                if (startAfter is not null && !child.IsAfter(startAfter))
                {
                    continue;
                }

                if (selection.Count < batch)
                {
                    selection.Enqueue(child, child);
                }
                else if (Child.Compare(child, selection.Peek()) < 0)
                {
                    selection.EnqueueDequeue(child, child);
                }
            }

            bool more = selection.Count == batch;
            var ordered = new Child[selection.Count];
            for (int i = ordered.Length - 1; i >= 0; i--)
            {
                ordered[i] = selection.Dequeue();
            }

            foreach (var child in ordered)
            {
                yield return child;
            }

            if (!more || ordered.Length == 0)
            {
                yield break;
            }

            lowerBound = ordered[^1];
        }
    }

    /// <summary>
    /// How many names one pass selects: the whole folder when small, a sixteenth of it when large
    /// (so a listing keeps a few bytes a name), never more than 65,536 names (so memory stays
    /// bounded for folders of millions of files, at the price of more passes).
    /// </summary>
    internal static int SelectionSize(int total) => total <= 4096 ? total : Math.Clamp(total / 16, 4096, 65_536);

    private static int CountEntries(string folder)
    {
        int count = 0;
        try
        {
            var counter = new FileSystemEnumerable<int>(folder, (ref FileSystemEntry _) => 0, ChildrenOnly)
            {
                ShouldIncludePredicate = (ref FileSystemEntry _) =>
                {
                    count++;
                    return false;
                },
            };
            foreach (var _ in counter)
            {
            }
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }

        return count;
    }

    private IEnumerable<Child> ReadChildren(string folder, string namePrefix)
    {
        // No attribute lookups here (each would be an lstat on every pass): links are refused
        // once per listed entry, in WalkAsync.
        var entries = new FileSystemEnumerable<(string Name, bool IsFolder)>(
            folder,
            (ref FileSystemEntry entry) => (entry.FileName.ToString(), entry.IsDirectory),
            ChildrenOnly)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.FileName.StartsWith(KeyEncoder.InternalPrefix, StringComparison.Ordinal),
        };
        using var enumerator = entries.GetEnumerator();
        while (true)
        {
            try
            {
                if (!enumerator.MoveNext())
                {
                    yield break;
                }
            }
            catch (DirectoryNotFoundException)
            {
                yield break; // removed while listing (its last object was deleted): nothing left
            }

            var (name, isFolder) = enumerator.Current;
            string? segment = isFolder ? FolderSegment(name, folder) : FileSegment(name, folder);
            if (segment is not null && segment.StartsWith(namePrefix, StringComparison.Ordinal))
            {
                // Most names are their own segment: share the string.
                yield return new Child(string.Equals(segment, name, StringComparison.Ordinal) ? name : segment, name, isFolder);
            }
        }
    }

    private string? FolderSegment(string name, string folder)
    {
        string path = Path.Combine(folder, name);
        if (!name.EndsWith(KeyEncoder.DirectorySuffix, StringComparison.Ordinal))
        {
            return Foreign(path);
        }

        string encoded = name[..^KeyEncoder.DirectorySuffix.Length];
        return KeyEncoder.IsLongName(encoded) ? ObjectPaths.ReadLongFolderSegment(path) ?? Foreign(path) : KeyEncoder.TryDecode(encoded) ?? Foreign(path);
    }

    private string? FileSegment(string name, string folder)
    {
        if (!KeyEncoder.IsLongName(name))
        {
            return KeyEncoder.TryDecode(name) ?? Foreign(Path.Combine(folder, name));
        }

        string path = Path.Combine(folder, name);
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

    private StorageItem? TryReadListedItem(string key)
    {
        try
        {
            return ReadHeader(key)?.ToItem();
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Integrity)
        {
            _logger.Log(StorageLogLevel.Warning, $"Listing skipped key '{key}': {e.Message}");
            return null;
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.AccessDenied)
        {
            return null; // a link planted since the folder was read: skipped, never followed
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            throw IOErrors.Translate(e, key, "list");
        }
    }

    private static bool IsLink(string path)
    {
        var attributes = new FileInfo(path).Attributes;
        return (int)attributes != -1 && (attributes & FileAttributes.ReparsePoint) != 0;
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

    /// <summary>One name in a folder: its key segment, its name on disk, and whether it is a folder (whose key order is that of segment + '/').</summary>
    private readonly record struct Child(string Segment, string Name, bool IsFolder)
    {
        private const int End = -1;

        /// <summary>Ordinal order of the keys these names stand for, without building them.</summary>
        public static int Compare(Child a, Child b)
        {
            int common = Math.Min(a.Segment.Length, b.Segment.Length);
            int result = string.CompareOrdinal(a.Segment, 0, b.Segment, 0, common);
            return result != 0 ? result : a.CharAt(common).CompareTo(b.CharAt(common));
        }

        /// <summary>Whether some key this child stands for is ordinally after <paramref name="startAfter"/> (relative to the folder).</summary>
        public bool IsAfter(string startAfter)
        {
            int common = Math.Min(Segment.Length, startAfter.Length);
            int result = string.CompareOrdinal(Segment, 0, startAfter, 0, common);
            if (result != 0)
            {
                return result > 0;
            }

            int mine = CharAt(common);
            int theirs = common < startAfter.Length ? startAfter[common] : End;
            // A folder "a/" whose prefix startAfter continues ("a/x") still holds keys after it.
            return mine > theirs || (IsFolder && mine == theirs && mine == '/');
        }

        private int CharAt(int index) => index < Segment.Length ? Segment[index] : IsFolder && index == Segment.Length ? '/' : End;
    }
}
