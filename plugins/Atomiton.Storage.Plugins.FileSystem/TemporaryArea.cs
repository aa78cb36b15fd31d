using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The folder <c>%_tmp</c> where saves write before renaming into place. Each engine instance owns
/// the temporary files named <c>&lt;id&gt;.&lt;n&gt;</c> after its random id and proves it is alive by
/// holding an exclusive lock on <c>&lt;id&gt;.owner</c> for its lifetime. A cleaner removes an owner's
/// temporaries only while itself holding that owner's lock (lock, then delete, owner file last), so
/// there is no window between "is it alive?" and the deletion; an owner whose file a cleaner removed
/// before its own lock was taken notices (its file is no longer the one it holds) and starts over
/// under a new id. Keeping temporaries in one folder means start-up cleaning never walks the object
/// tree, and listings never see them. Every name is handled beneath the held folder without
/// following links (see <see cref="InternalFolder"/>). Thread-safe.
/// </summary>
internal sealed class TemporaryArea : IDisposable
{
    private const string OwnerSuffix = ".owner";
    private const int IdLength = 16;
    private const int OwnerAttempts = 16;

    private readonly InternalFolder _folder;
    private readonly string _id;
    private readonly SafeFileHandle _owner;
    private long _counter;

    /// <summary>Opens <c>%_tmp</c> in <paramref name="baseFolder"/> (creating it) and registers a live owner in it.</summary>
    /// <exception cref="StorageException">AccessDenied naming the relative path when <c>%_tmp</c> (or the owner file) is a link or not what the engine keeps there.</exception>
    public TemporaryArea(InternalFolder baseFolder, string name)
    {
        _folder = baseFolder.OpenOrCreateFolder(name);
        try
        {
            (_id, _owner) = RegisterOwner();
        }
        catch
        {
            _folder.Dispose();
            throw;
        }
    }

    /// <summary>How many leftover temporary files start-up removed.</summary>
    public int Removed { get; private set; }

    /// <summary>The held <c>%_tmp</c> folder.</summary>
    public InternalFolder Folder => _folder;

    /// <summary>A new, unused temporary name owned by this instance.</summary>
    public string NextName() =>
        _id + "." + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);

    /// <summary>Deletes the temporary files of every owner that is no longer alive (and of none that is).</summary>
    public void RemoveOrphans()
    {
        var names = _folder.Names();
        var owners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name.EndsWith(OwnerSuffix, StringComparison.Ordinal))
            {
                owners.Add(name[..^OwnerSuffix.Length]);
            }
        }

        foreach (var id in owners)
        {
            if (!string.Equals(id, _id, StringComparison.Ordinal))
            {
                Removed += RemoveIfDead(id, names);
            }
        }

        // Files whose owner file was already gone when the folder was read: an owner creates its
        // temporaries only after its owner file is in place and locked, and keeps that file until it
        // ends, so such an owner had ended (or a cleaner stopped half-way). Checked again now, since
        // an owner file may have appeared meanwhile.
        foreach (var name in names)
        {
            string id = IdOf(name);
            if (owners.Contains(id) || string.Equals(id, _id, StringComparison.Ordinal) || _folder.Contains(id + OwnerSuffix))
            {
                continue;
            }

            if (TryRemove(name))
            {
                Removed++;
            }
        }
    }

    /// <summary>Creates the temporary file <paramref name="name"/> (see <see cref="NextName"/>).</summary>
    public SafeFileHandle Create(string name, long preallocate) => _folder.CreateFile(name, preallocate);

    /// <summary>Deletes a temporary file or folder if it still exists (after a failed save).</summary>
    public void Discard(string name) => TryRemove(name);

    public void Dispose()
    {
        if (_folder.IsHeld)
        {
            // The owner file goes while its lock is still held, so no cleaner ever sees it unlocked.
            TryRemove(_id + OwnerSuffix);
            _owner.Dispose();
        }
        else
        {
            _owner.Dispose(); // Windows cannot delete a file opened without FileShare.Delete
            TryRemove(_id + OwnerSuffix);
        }

        _folder.Dispose();
    }

    private (string Id, SafeFileHandle Owner) RegisterOwner()
    {
        for (int attempt = 1; ; attempt++)
        {
            string id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(IdLength / 2));
            string name = id + OwnerSuffix;
            var owner = _folder.CreateFile(name, 0);
            // A cleaner may have opened the new file and locked it first (it then removes it): the
            // lock is ours only if it is free and the name still names the file once it is taken.
            if (TryLock(owner) && _folder.StillNames(name, owner))
            {
                return (id, owner);
            }

            owner.Dispose();
            if (attempt == OwnerAttempts)
            {
                throw new IOException($"Could not register this engine in '{_folder.RelativePath}' inside baseDir: other engines kept removing its owner file.");
            }
        }
    }

    // Lock-then-delete: the owner's temporaries go only while this cleaner holds the owner's lock,
    // which a live owner never releases; the owner file goes last, so a cleaner that stops half-way
    // leaves the owner file for the next one.
    private int RemoveIfDead(string id, List<string> names)
    {
        string ownerName = id + OwnerSuffix;
        SafeFileHandle owner;
        try
        {
            owner = _folder.OpenRegularFile(ownerName, create: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageException)
        {
            return 0; // gone meanwhile, or not a file the engine wrote: left alone
        }

        using (owner)
        {
            if (!TryLock(owner) || !_folder.StillNames(ownerName, owner))
            {
                return 0; // alive, or another cleaner removed it meanwhile
            }

            int removed = 0;
            foreach (var name in names)
            {
                if (string.Equals(IdOf(name), id, StringComparison.Ordinal) && !string.Equals(name, ownerName, StringComparison.Ordinal) && TryRemove(name))
                {
                    removed++;
                }
            }

            TryRemove(ownerName);
            return removed;
        }
    }

    private bool TryLock(SafeFileHandle owner)
    {
        if (!_folder.IsHeld)
        {
            return true; // by path (Windows): the owner file is created with FileShare.None, which is its lock
        }

        return NativeMethods.TryLockExclusive(owner) == 0;
    }

    private static string IdOf(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    private bool TryRemove(string name)
    {
        try
        {
            return _folder.Remove(name);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
