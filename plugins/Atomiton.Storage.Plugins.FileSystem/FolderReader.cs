using System.IO.Enumeration;
using System.Runtime.InteropServices;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The children of one folder whose segment starts with a prefix, in key order, read in bounded
/// memory. readdir order is arbitrary, so a pass over the folder keeps the smallest names it meets,
/// never more than the budget: when the budget fills, it sorts them, keeps the smaller half, and from
/// then on takes only names below the largest one kept. A pass that never had to drop a name has seen
/// the rest of the folder and is the last; otherwise the next pass resumes after the last name
/// yielded. A folder within the budget is read once; a larger one in passes of at least half the
/// budget. Names are decoded and compared as spans, so names a pass skips cost no allocation; links
/// (as readdir reports them) and the engine's own files are skipped.
/// </summary>
internal sealed class FolderReader
{
    /// <summary>The default budget: at most this many names in memory per folder being listed (a few MB).</summary>
    public const int DefaultNameBudget = 65_536;

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
    private readonly string _namePrefix;
    private readonly string? _startAfter;
    private readonly int _budget;
    private readonly IStorageLogger _logger;

    /// <param name="folder">The folder to read.</param>
    /// <param name="namePrefix">Only children whose segment starts with this.</param>
    /// <param name="startAfter">Only children standing for some key after this (relative to the folder); null for all.</param>
    /// <param name="budget">At most this many names in memory at once (at least 2).</param>
    /// <param name="logger">Told (at Debug) about names the engine did not write.</param>
    public FolderReader(string folder, string namePrefix, string? startAfter, int budget, IStorageLogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 2);
        _folder = folder;
        _namePrefix = namePrefix;
        _startAfter = startAfter;
        _budget = budget;
        _logger = logger;
    }

    /// <summary>The children in key order (a folder sorting as its segment + <c>/</c>), each once.</summary>
    public IEnumerable<FolderChild> ReadSorted()
    {
        var selection = new List<FolderChild>();
        FolderChild? after = null;
        while (true)
        {
            bool dropped = Select(selection, after);
            var sorted = CollectionsMarshal.AsSpan(selection);
            sorted.Sort();
            for (int i = 0; i < selection.Count; i++)
            {
                // readdir may return a name twice when the folder changes under it: list it once.
                if (i == 0 || selection[i].CompareTo(selection[i - 1]) != 0)
                {
                    yield return selection[i];
                }
            }

            if (!dropped || selection.Count == 0)
            {
                yield break;
            }

            after = selection[^1];
            selection.Clear();
        }
    }

    // One pass: fills the selection with the smallest children after `after`; true when some were
    // dropped for the budget (another pass must follow).
    private bool Select(List<FolderChild> selection, FolderChild? after)
    {
        bool dropped = false;
        Pass pass;
        try
        {
            pass = new Pass(this, after);
        }
        catch (DirectoryNotFoundException)
        {
            return false; // removed while listing (its last object was deleted): nothing left
        }

        using (pass)
        {
            while (MoveNext(pass))
            {
                selection.Add(pass.Current);
                if (selection.Count >= _budget)
                {
                    var sorted = CollectionsMarshal.AsSpan(selection);
                    sorted.Sort();
                    int keep = _budget / 2;
                    selection.RemoveRange(keep, selection.Count - keep);
                    pass.Below = selection[^1];
                    dropped = true;
                }
            }
        }

        return dropped;
    }

    private static bool MoveNext(Pass pass)
    {
        try
        {
            return pass.MoveNext();
        }
        catch (DirectoryNotFoundException)
        {
            return false;
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
                ? ObjectPaths.ReadLongFolderSegment(Path.Combine(_folder, name)) ?? Foreign(name)
                : KeyEncoder.TryDecode(encoded) ?? Foreign(name);
        }

        if (!KeyEncoder.IsLongName(name))
        {
            return KeyEncoder.TryDecode(name) ?? Foreign(name);
        }

        string path = Path.Combine(_folder, name);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            string key = ObjectHeader.ReadKey(handle, path);
            return key[(key.LastIndexOf('/') + 1)..];
        }
        catch (Exception e) when (e is FileNotFoundException or StorageException)
        {
            return Foreign(name);
        }
    }

    /// <summary>One pass over the folder, filtering names before they are turned into strings.</summary>
    private sealed class Pass(FolderReader reader, FolderChild? after) : FileSystemEnumerator<FolderChild>(reader._folder, ChildrenOnly)
    {
        private FolderChild _next;

        /// <summary>Once the budget has filled: only children below this one are still wanted.</summary>
        public FolderChild? Below { get; set; }

        protected override bool ShouldIncludeEntry(ref FileSystemEntry entry)
        {
            var name = entry.FileName;
            if (name.StartsWith(KeyEncoder.InternalPrefix, StringComparison.Ordinal))
            {
                return false;
            }

            bool isFolder = entry.IsDirectory;
            var verbatim = isFolder && name.EndsWith(KeyEncoder.DirectorySuffix, StringComparison.Ordinal) ? name[..^KeyEncoder.DirectorySuffix.Length] : name;
            string? decoded = null;
            if (!KeyEncoder.IsVerbatim(verbatim) || (isFolder && verbatim.Length == name.Length))
            {
                decoded = reader.Decode(name.ToString(), isFolder);
                if (decoded is null)
                {
                    return false;
                }
            }

            var segment = decoded is null ? verbatim : decoded.AsSpan();
            if (!segment.StartsWith(reader._namePrefix, StringComparison.Ordinal)
                || (after is { } bound && FolderChild.Compare(segment, isFolder, bound.Segment, bound.IsFolder) <= 0)
                || (reader._startAfter is { } start && !FolderChild.IsAfter(segment, isFolder, start))
                || (Below is { } below && FolderChild.Compare(segment, isFolder, below.Segment, below.IsFolder) >= 0))
            {
                return false;
            }

            string nameText = name.ToString();
            // Most names are their own segment: share the string.
            _next = new FolderChild(decoded ?? (isFolder ? segment.ToString() : nameText), nameText, isFolder);
            return true;
        }

        protected override FolderChild TransformEntry(ref FileSystemEntry entry) => _next;
    }
}
