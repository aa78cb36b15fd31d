using System.Globalization;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The folder <c>%_tmp</c> where saves write before renaming into place. Each engine instance
/// owns the temporary files named after its random id and proves it is alive by holding
/// <c>&lt;id&gt;.owner</c> open exclusively; at start-up, temporaries whose owner is gone (a crashed
/// or killed process) are deleted. Keeping them in one folder means start-up cleaning never walks
/// the object tree, and listings never see them.
/// </summary>
internal sealed class TemporaryArea : IDisposable
{
    private const string OwnerSuffix = ".owner";

    private readonly string _directory;
    private readonly string _id;
    private readonly FileStream _owner;
    private long _counter;

    public TemporaryArea(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        _id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        _owner = new FileStream(Path.Combine(directory, _id + OwnerSuffix), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
    }

    /// <summary>How many leftover temporary files start-up removed.</summary>
    public int Removed { get; private set; }

    /// <summary>A new, unused temporary file path owned by this instance.</summary>
    public string NextPath() =>
        Path.Combine(_directory, _id + "." + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture));

    /// <summary>Deletes the temporary files of every owner that is no longer alive.</summary>
    public void RemoveOrphans()
    {
        var files = Directory.GetFileSystemEntries(_directory);
        var live = new HashSet<string>(StringComparer.Ordinal) { _id };
        var dead = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in files)
        {
            string name = Path.GetFileName(path);
            if (!name.EndsWith(OwnerSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            string id = name[..^OwnerSuffix.Length];
            if (live.Contains(id))
            {
                continue;
            }

            if (IsAlive(path))
            {
                live.Add(id);
            }
            else
            {
                dead.Add(id);
            }
        }

        foreach (var path in files)
        {
            string name = Path.GetFileName(path);
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            string id = dot < 0 ? name : name[..dot];
            if (live.Contains(id) || name.EndsWith(OwnerSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            // An owner that appeared after the directory was read is alive: leave its files alone.
            if (!dead.Contains(id) && IsAlive(Path.Combine(_directory, id + OwnerSuffix)))
            {
                live.Add(id);
                continue;
            }

            if (TryDelete(path))
            {
                Removed++;
            }
        }

        foreach (var id in dead)
        {
            TryDelete(Path.Combine(_directory, id + OwnerSuffix));
        }
    }

    /// <summary>Deletes a temporary file if it still exists (after a failed save).</summary>
    public static void Discard(string path) => TryDelete(path);

    public void Dispose() => _owner.Dispose();

    private static bool IsAlive(string ownerPath)
    {
        try
        {
            // Opening exclusively succeeds only when the owner no longer holds it.
            using var probe = new FileStream(ownerPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
                return true;
            }

            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
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
