using System.Globalization;
using System.Security.Cryptography;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>
/// The emulated account's files and folders, keyed by lower-cased path (Dropbox paths are
/// case-insensitive and case-preserving), with a change log for cursors: every change gets the next
/// sequence number, and a cursor remembers the number it has seen. Bytes live in files of the data
/// folder, so large uploads do not sit in memory. Thread-safe (one lock; bytes are copied outside it).
/// </summary>
internal sealed class DropboxNamespace(string dataFolder, DropboxEmulatorOptions options)
{
    /// <summary>Names Dropbox refuses to store (its own files and the ones it ignores), compared ignoring case.</summary>
    private static readonly string[] IgnoredNames = ["desktop.ini", "thumbs.db", ".ds_store", "icon\r", ".dropbox", ".dropbox.attr"];

    private readonly object _gate = new();
    private readonly Dictionary<string, DropboxEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Sequence, string Display)> _changed = new(StringComparer.Ordinal);
    private readonly string _revPrefix = RandomNumberGenerator.GetHexString(4, lowercase: true);
    private TaskCompletionSource _nextChange = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;
    private long _revs;

    /// <summary>Raised generations invalidate every cursor issued before (a <c>reset</c>).</summary>
    public int Generation { get; private set; }

    public long Sequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    public long Used
    {
        get
        {
            lock (_gate)
            {
                return _entries.Values.Where(e => !e.IsFolder).Sum(e => e.Size);
            }
        }
    }

    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeSeconds(options.TimeProvider.GetUtcNow().ToUnixTimeSeconds());

    public string NewBlobPath() => Path.Combine(dataFolder, Guid.NewGuid().ToString("N"));

    public void ResetCursors()
    {
        lock (_gate)
        {
            Generation++;
        }
    }

    /// <summary>A task that completes at the next change (for long polls).</summary>
    public Task NextChange
    {
        get
        {
            lock (_gate)
            {
                return _nextChange.Task;
            }
        }
    }

    /// <summary>Checks a path argument: <c>""</c> (root, where allowed) or <c>/a/b</c>; returns it lower-cased.</summary>
    public static string Normalize(string? path, bool allowRoot, string errorTag)
    {
        if (path is null)
        {
            throw DropboxApiException.BadRequest("Error in call to API function: missing required field 'path'");
        }

        if (path.Length == 0)
        {
            return allowRoot ? "" : throw DropboxApiException.Conflict(errorTag, "malformed_path");
        }

        if (path[0] != '/' || path.EndsWith('/') || path.Contains("//", StringComparison.Ordinal))
        {
            throw DropboxApiException.Conflict(errorTag, "malformed_path");
        }

        foreach (var segment in path[1..].Split('/'))
        {
            if (segment is "." or "..")
            {
                throw DropboxApiException.Conflict(errorTag, "malformed_path");
            }
        }

        return path.ToLowerInvariant();
    }

    public static bool IsDisallowedName(string name) => IgnoredNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    public DropboxEntry? Find(string pathLower)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(pathLower);
        }
    }

    /// <summary>A file's current revision with its bytes opened (atomically, so a concurrent overwrite cannot unlink them first); null when there is no such entry.</summary>
    public (DropboxEntry Entry, Stream? Content)? Open(string lower)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(lower, out var entry))
            {
                return null;
            }

            return (entry, entry.BlobPath is null ? null
                : new FileStream(entry.BlobPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
    }

    /// <summary>Commits an uploaded file (the bytes already in <paramref name="blobPath"/>) under the write mode's rules.</summary>
    /// <returns>The entry and whether its content changed (identical bytes keep the revision).</returns>
    public DropboxEntry Commit(string path, string blobPath, long size, string contentHash, DropboxWriteMode mode, DateTimeOffset? clientModified, Func<string[], DropboxApiException> writeError)
    {
        string lower = path.ToLowerInvariant();
        if (IsDisallowedName(lower[(lower.LastIndexOf('/') + 1)..]))
        {
            File.Delete(blobPath);
            throw writeError(["disallowed_name"]);
        }

        lock (_gate)
        {
            try
            {
                CheckParents(lower, writeError);
                var existing = _entries.GetValueOrDefault(lower);
                if (existing is { IsFolder: true })
                {
                    throw writeError(["conflict", "folder"]);
                }

                // Identical bytes are no conflict unless strict_conflict asks for one.
                bool identical = existing is not null && existing.ContentHash == contentHash;
                switch (mode.Kind)
                {
                    case "add" when existing is not null && (mode.Strict || !identical):
                    case "update" when existing is null ? mode.Strict : existing.Rev != mode.Rev && (mode.Strict || !identical):
                        throw writeError(["conflict", "file"]);
                }

                long used = _entries.Values.Where(e => !e.IsFolder).Sum(e => e.Size) - (existing?.Size ?? 0);
                if (used + size > options.SpaceAllocated)
                {
                    throw writeError(["insufficient_space"]);
                }
            }
            catch
            {
                File.Delete(blobPath);
                throw;
            }

            var now = Now;
            var previous = _entries.GetValueOrDefault(lower);
            if (previous is not null && previous.ContentHash == contentHash && previous.Size == size)
            {
                // Dropbox keeps the revision when identical bytes are written again.
                File.Delete(blobPath);
                return previous;
            }

            CreateParents(lower, path);
            // A new snapshot per revision: readers holding the previous one keep consistent metadata and bytes.
            var entry = new DropboxEntry
            {
                PathDisplay = previous?.PathDisplay ?? DisplayOf(lower, path),
                IsFolder = false,
                Id = previous?.Id ?? NewId(),
                BlobPath = blobPath,
                Size = size,
                ContentHash = contentHash,
                Rev = NewRev(),
                ServerModified = now,
                ClientModified = clientModified ?? now,
            };
            if (previous?.BlobPath is { } old)
            {
                File.Delete(old);
            }

            _entries[lower] = entry;
            Changed(lower, entry.PathDisplay);
            return entry;
        }
    }

    /// <summary>Creates a folder (and its parents); a file or folder already there is <c>path/conflict/…</c>.</summary>
    public DropboxEntry CreateFolder(string path)
    {
        string lower = Normalize(path, allowRoot: false, "path");
        lock (_gate)
        {
            CheckParents(lower, tags => DropboxApiException.Conflict(["path", .. tags]));
            if (_entries.TryGetValue(lower, out var existing))
            {
                throw DropboxApiException.Conflict("path", "conflict", existing.IsFolder ? "folder" : "file");
            }

            CreateParents(lower, path);
            var folder = new DropboxEntry { PathDisplay = DisplayOf(lower, path), IsFolder = true, Id = NewId() };
            _entries[lower] = folder;
            Changed(lower, folder.PathDisplay);
            return folder;
        }
    }

    /// <summary>Deletes a file or a folder with everything under it; with <paramref name="parentRev"/>, only that revision of a file.</summary>
    public DropboxEntry Delete(string lower, string? parentRev)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(lower, out var entry) || (parentRev is not null && (entry.IsFolder || entry.Rev != parentRev)))
            {
                throw DropboxApiException.Conflict("path_lookup", "not_found");
            }

            foreach (var key in _entries.Keys.Where(k => k == lower || k.StartsWith(lower + "/", StringComparison.Ordinal)).ToList())
            {
                var removed = _entries[key];
                _entries.Remove(key);
                if (removed.BlobPath is { } blob)
                {
                    File.Delete(blob);
                }

                Changed(key, removed.PathDisplay);
            }

            return entry;
        }
    }

    /// <summary>Copies or moves a file or folder (with its contents) to a path that must be free.</summary>
    public DropboxEntry Relocate(string fromPath, string toPath, bool move)
    {
        string from = fromPath.ToLowerInvariant(), to = toPath.ToLowerInvariant();
        lock (_gate)
        {
            if (!_entries.TryGetValue(from, out var source))
            {
                throw DropboxApiException.Conflict("from_lookup", "not_found");
            }

            // A move to the same path in other letter case renames (Dropbox's way to change a name's case).
            bool caseRename = move && from == to && fromPath != toPath;
            if (from == to && !caseRename)
            {
                throw DropboxApiException.Conflict("duplicated_or_nested_paths");
            }

            if (to.StartsWith(from + "/", StringComparison.Ordinal))
            {
                throw DropboxApiException.Conflict(move ? "cant_move_folder_into_itself" : "cant_copy_shared_folder");
            }

            CheckParents(to, tags => DropboxApiException.Conflict(["to", .. tags]));
            if (!caseRename && _entries.TryGetValue(to, out var target))
            {
                throw DropboxApiException.Conflict("to", "conflict", target.IsFolder ? "folder" : "file");
            }

            var size = _entries.Where(e => e.Key == from || e.Key.StartsWith(from + "/", StringComparison.Ordinal)).Sum(e => e.Value.Size);
            if (!move && Used + size > options.SpaceAllocated)
            {
                throw DropboxApiException.Conflict("to", "insufficient_space");
            }

            CreateParents(to, toPath);
            string toDisplayParent = caseRename ? source.PathDisplay[..source.PathDisplay.LastIndexOf('/')] + toPath[toPath.LastIndexOf('/')..] : DisplayOf(to, toPath);
            var moved = _entries.Where(e => e.Key == from || e.Key.StartsWith(from + "/", StringComparison.Ordinal)).OrderBy(e => e.Key.Length).ToList();
            DropboxEntry? top = null;
            var now = Now;
            foreach (var (key, entry) in moved)
            {
                string suffix = entry.PathDisplay[fromPath.Length..];
                string newLower = to + key[from.Length..];
                var copy = new DropboxEntry
                {
                    PathDisplay = toDisplayParent + suffix,
                    IsFolder = entry.IsFolder,
                    Id = move ? entry.Id : NewId(),
                    Size = entry.Size,
                    ContentHash = entry.ContentHash,
                    ClientModified = entry.ClientModified,
                    ServerModified = move ? entry.ServerModified : now,
                    Rev = entry.IsFolder ? "" : NewRev(),
                };
                if (entry.BlobPath is { } blob)
                {
                    if (move)
                    {
                        copy.BlobPath = blob;
                    }
                    else
                    {
                        copy.BlobPath = NewBlobPath();
                        File.Copy(blob, copy.BlobPath);
                    }
                }

                if (move)
                {
                    _entries.Remove(key);
                    Changed(key, entry.PathDisplay);
                }

                _entries[newLower] = copy;
                Changed(newLower, copy.PathDisplay);
                top ??= copy;
            }

            return top!;
        }
    }

    /// <summary>Every entry under <paramref name="folder"/> (its children, or with <paramref name="recursive"/> all descendants), by lower-cased path.</summary>
    public List<(string Lower, DropboxEntry Entry)> List(string folder, bool recursive)
    {
        lock (_gate)
        {
            if (folder.Length > 0 && (!_entries.TryGetValue(folder, out var self) || !self.IsFolder))
            {
                throw DropboxApiException.Conflict("path", self is null ? "not_found" : "not_folder");
            }

            return [.. _entries
                .Where(e => e.Key.StartsWith(folder + "/", StringComparison.Ordinal) && (recursive || e.Key.IndexOf('/', folder.Length + 1) < 0))
                .OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => (e.Key, e.Value))];
        }
    }

    /// <summary>The paths under <paramref name="folder"/> changed after <paramref name="after"/>, oldest first, with their current entry (null: deleted).</summary>
    public List<(long Sequence, string Lower, string Display, DropboxEntry? Entry)> ChangesSince(string folder, bool recursive, long after)
    {
        lock (_gate)
        {
            return [.. _changed
                .Where(c => c.Value.Sequence > after && c.Key.StartsWith(folder + "/", StringComparison.Ordinal)
                    && (recursive || c.Key.IndexOf('/', folder.Length + 1) < 0))
                .OrderBy(c => c.Value.Sequence)
                .Select(c => (c.Value.Sequence, c.Key, c.Value.Display, _entries.GetValueOrDefault(c.Key)))];
        }
    }

    public bool FolderExists(string lower)
    {
        lock (_gate)
        {
            return lower.Length == 0 || (_entries.TryGetValue(lower, out var entry) && entry.IsFolder);
        }
    }

    private void CheckParents(string lower, Func<string[], DropboxApiException> writeError)
    {
        for (int slash = lower.IndexOf('/', 1); slash > 0; slash = lower.IndexOf('/', slash + 1))
        {
            if (_entries.TryGetValue(lower[..slash], out var parent) && !parent.IsFolder)
            {
                throw writeError(["conflict", "file_ancestor"]);
            }
        }
    }

    private void CreateParents(string lower, string display)
    {
        for (int slash = lower.IndexOf('/', 1); slash > 0; slash = lower.IndexOf('/', slash + 1))
        {
            string parent = lower[..slash];
            if (!_entries.ContainsKey(parent))
            {
                var folder = new DropboxEntry { PathDisplay = DisplayOf(parent, display[..slash]), IsFolder = true, Id = NewId() };
                _entries[parent] = folder;
                Changed(parent, folder.PathDisplay);
            }
        }
    }

    /// <summary>The display path: existing ancestors keep their spelling, the rest is as given.</summary>
    private string DisplayOf(string lower, string given)
    {
        int slash = lower.LastIndexOf('/');
        if (slash <= 0)
        {
            return given;
        }

        string parent = lower[..slash];
        string parentDisplay = _entries.TryGetValue(parent, out var p) ? p.PathDisplay : DisplayOf(parent, given[..slash]);
        return parentDisplay + given[slash..];
    }

    private void Changed(string lower, string display)
    {
        _changed[lower] = (++_sequence, display);
        var signal = _nextChange;
        _nextChange = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.TrySetResult();
    }

    private string NewRev() => _revPrefix + (++_revs).ToString("x8", CultureInfo.InvariantCulture);

    private static string NewId() => "id:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A parsed <c>WriteMode</c> (<c>add</c>, <c>overwrite</c> or <c>update</c> with a revision) and <c>strict_conflict</c>.</summary>
internal readonly record struct DropboxWriteMode(string Kind, string? Rev, bool Strict);
