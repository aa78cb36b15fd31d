using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem;

// Listing: a depth-first walk that only enters the folder a prefix names, reads one folder's names
// at a time in key order (readdir order is arbitrary; see FolderReader) and yields entries as it
// goes, so memory grows with the name budget and the depth, never with the whole store.
public sealed partial class FileSystemEngine
{
    /// <summary>About how many bytes of names a listing holds per folder level (see <see cref="FolderReader"/>).</summary>
    internal long ListingMemoryBudget { get; init; } = FolderReader.DefaultMemoryBudget;

    /// <inheritdoc />
    protected override IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken) =>
        new SynchronousListing(List(options), cancellationToken);

    private IEnumerable<StorageEntry> List(ListOptions options)
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

        string relativeFolder = folder.Length == _paths.BaseDirectory.Length ? "." : folder[(_paths.BaseDirectory.Length + 1)..];
        foreach (var entry in Walk(folder, relativeFolder, folderPrefix, namePrefix, options))
        {
            yield return entry;
        }
    }

    private IEnumerable<StorageEntry> Walk(string folder, string relativeFolder, string folderPrefix, string namePrefix, ListOptions options)
    {
        // Keys below this folder all start with folderPrefix: startAfter matters only when it does too.
        string? startAfter = options.StartAfter;
        string? localStartAfter = startAfter is not null && startAfter.StartsWith(folderPrefix, StringComparison.Ordinal) ? startAfter[folderPrefix.Length..] : null;
        var reader = new FolderReader(folder, relativeFolder, _opener, namePrefix, localStartAfter, ListingMemoryBudget, _logger);
        foreach (var child in reader.ReadSorted())
        {
            if (child.IsFolder)
            {
                string path = Path.Combine(folder, child.Name);
                // Replaced by a link since the folder was read: never entered. (The kernel refuses
                // links itself when it opens the folder.)
                if (!_opener.OpensFoldersInKernel && IsLink(path))
                {
                    continue;
                }

                string childPrefix = folderPrefix + child.Segment + "/";
                if (options.Recursive)
                {
                    foreach (var entry in Walk(path, relativeFolder == "." ? child.Name : Path.Join(relativeFolder, child.Name), childPrefix, string.Empty, options))
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

            string key = folderPrefix + child.Segment;
            if (options.KeysOnly)
            {
                // The name is the key: no file is opened (so a corrupt object is listed; loading it fails).
                yield return StorageEntry.ForKey(key);
                continue;
            }

            var item = TryReadListedItem(key);
            if (item is not null)
            {
                yield return StorageEntry.ForItem(item);
            }
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
}
