using System.IO.Enumeration;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The children of one folder whose segment starts with a prefix, in key order, read in bounded
/// memory. readdir order is arbitrary, so a pass over the folder keeps the smallest names it meets,
/// within a memory budget: when the names held reach it, the pass sorts them, keeps the smaller half,
/// and from then on takes only names below the largest one kept. A pass that never had to drop a
/// name has seen the rest of the folder and is the last; otherwise the next pass resumes after the
/// last name yielded. A folder whose names fit the budget is read once; a larger one in passes of at
/// least half the budget. Names are decoded and compared as spans, so names a pass skips cost no
/// allocation; links (as readdir reports them) and the engine's own files are skipped.
/// </summary>
internal sealed class FolderReader
{
    /// <summary>The default budget: the names held per folder being listed take at most about this many bytes (~110,000 names of 12 characters).</summary>
    public const int DefaultMemoryBudget = 8 * 1024 * 1024;

    private static readonly EnumerationOptions ChildrenOnly = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        // Classified from readdir's d_type: no system call for ordinary names; a link is lstat-ed
        // (never opened or entered) only to be skipped.
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    private readonly string _folder;
    private readonly string _relativeFolder;
    private readonly ObjectFileOpener _opener;
    private readonly string _namePrefix;
    private readonly string? _startAfter;
    private readonly long _budget;
    private readonly IStorageLogger _logger;

    /// <param name="folder">The folder to read.</param>
    /// <param name="relativeFolder">The same folder relative to the base folder (<c>.</c> for the base folder itself).</param>
    /// <param name="opener">Opens the folder beneath the base folder when the kernel resolves paths.</param>
    /// <param name="namePrefix">Only children whose segment starts with this.</param>
    /// <param name="startAfter">Only children standing for some key after this (relative to the folder); null for all.</param>
    /// <param name="budget">About how many bytes the names held at once may take.</param>
    /// <param name="logger">Told (at Debug) about names the engine did not write.</param>
    public FolderReader(string folder, string relativeFolder, ObjectFileOpener opener, string namePrefix, string? startAfter, long budget, IStorageLogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budget);
        _folder = folder;
        _relativeFolder = relativeFolder;
        _opener = opener;
        _namePrefix = namePrefix;
        _startAfter = startAfter;
        _budget = budget;
        _logger = logger;
    }

    /// <summary>The children in key order (a folder sorting as its segment + <c>/</c>), each once.</summary>
    public IEnumerable<FolderChild> ReadSorted()
    {
        using var selection = new ChildSelection();
        FolderChild? after = null;
        while (true)
        {
            var pass = new Pass(this, selection, after);
            if (!ReadInKernel(pass))
            {
                ReadWithDotNet(pass);
            }

            FolderChild.Sort(selection.Children);
            string? previous = null;
            for (int i = 0; i < selection.Count; i++)
            {
                var child = selection.Children[i];
                // readdir may return a name twice when the folder changes under it: list it once.
                if (!string.Equals(child.Name, previous, StringComparison.Ordinal))
                {
                    previous = child.Name;
                    yield return child;
                }
            }

            if (!pass.Dropped || selection.Count == 0)
            {
                yield break;
            }

            after = selection.Children[^1];
            selection.Clear();
        }
    }

    // Linux: the folder opened beneath the base folder without following links, its names read a
    // buffer at a time. False when that is not available here (the caller reads with .NET instead).
    private bool ReadInKernel(Pass pass)
    {
        if (!_opener.OpensFoldersInKernel || !DirectoryEntries.IsAvailable)
        {
            return false;
        }

        using var folder = _opener.OpenFolder(_relativeFolder);
        // Missing (its last object was deleted meanwhile) or replaced by a link: nothing to list.
        return folder is null || DirectoryEntries.ForEach(folder, _folder, pass.Visit);
    }

    private void ReadWithDotNet(Pass pass)
    {
        var entries = new FileSystemEnumerable<bool>(_folder, static (ref FileSystemEntry _) => false, ChildrenOnly)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
            {
                pass.Visit(entry.FileName, entry.IsDirectory);
                return false;
            },
        };
        try
        {
            foreach (var _ in entries)
            {
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while listing (its last object was deleted): nothing left.
        }
    }

    private string? Foreign(string name)
    {
        if (_logger.IsEnabled(StorageLogLevel.Debug))
        {
            _logger.Log(StorageLogLevel.Debug, $"Listing ignored '{Path.Combine(_folder, name)}': not a name the filesystem engine writes.");
        }

        return null;
    }

    // The segment of a name that is not its own encoding: escaped, shortened (the full segment is in
    // the file's header or the folder's segment file), or foreign (null).
    private string? Decode(string name, bool isFolder)
    {
        if (isFolder)
        {
            if (!name.EndsWith(KeyEncoder.DirectorySuffix, StringComparison.Ordinal))
            {
                return Foreign(name);
            }

            string encoded = name[..^KeyEncoder.DirectorySuffix.Length];
            return KeyEncoder.IsLongName(encoded)
                ? ObjectPaths.ReadLongFolderSegment(_opener, _relativeFolder, name) ?? Foreign(name)
                : KeyEncoder.TryDecode(encoded) ?? Foreign(name);
        }

        if (!KeyEncoder.IsLongName(name))
        {
            return KeyEncoder.TryDecode(name) ?? Foreign(name);
        }

        string path = Path.Combine(_folder, name);
        try
        {
            // Never through a link, never waiting on a FIFO; the stored segment must encode to this name.
            using var handle = _opener.OpenRegularForListing(_relativeFolder == "." ? name : Path.Join(_relativeFolder, name));
            if (handle is null)
            {
                return Foreign(name);
            }

            string key = ObjectHeader.ReadKey(handle, path);
            string segment = key[(key.LastIndexOf('/') + 1)..];
            return ObjectPaths.IsSegmentOf(segment, name) ? segment : Foreign(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageException)
        {
            return Foreign(name);
        }
    }

    /// <summary>
    /// One pass over the folder: names are filtered as spans, and only those kept become strings.
    /// Once the budget fills, the smaller half is kept and only names below it are still taken.
    /// </summary>
    private sealed class Pass(FolderReader reader, ChildSelection selection, FolderChild? after)
    {
        private FolderChild? _below;

        /// <summary>Whether names were dropped for the budget (another pass must follow).</summary>
        public bool Dropped { get; private set; }

        public void Visit(ReadOnlySpan<char> name, bool isFolder)
        {
            if (name.StartsWith(KeyEncoder.InternalPrefix, StringComparison.Ordinal))
            {
                return;
            }

            var verbatim = isFolder && name.EndsWith(KeyEncoder.DirectorySuffix, StringComparison.Ordinal) ? name[..^KeyEncoder.DirectorySuffix.Length] : name;
            string? decoded = null;
            if (!KeyEncoder.IsVerbatim(verbatim) || (isFolder && verbatim.Length == name.Length))
            {
                decoded = reader.Decode(name.ToString(), isFolder);
                if (decoded is null)
                {
                    return;
                }
            }

            var segment = decoded is null ? verbatim : decoded.AsSpan();
            if (!segment.StartsWith(reader._namePrefix, StringComparison.Ordinal)
                || (after is { } bound && FolderChild.Compare(segment, isFolder, bound.Segment, bound.IsFolder) <= 0)
                || (reader._startAfter is { } start && !FolderChild.IsAfter(segment, isFolder, start))
                || (_below is { } below && FolderChild.Compare(segment, isFolder, below.Segment, below.IsFolder) >= 0))
            {
                return;
            }

            string nameText = name.ToString();
            // Most names are their own segment: share the string.
            selection.Add(new FolderChild(decoded ?? (isFolder ? segment.ToString() : nameText), nameText, isFolder));
            if (selection.Bytes >= reader._budget && selection.Count >= 2)
            {
                FolderChild.Sort(selection.Children);
                selection.Truncate(selection.Count / 2);
                _below = selection.Children[^1];
                Dropped = true;
            }
        }
    }
}
