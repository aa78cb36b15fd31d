using System.Text;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// Turns keys and prefixes into paths under the base folder (see <see cref="KeyEncoder"/>), creates
/// the folders a key needs, and refuses any path that would pass through a symbolic link or junction
/// planted inside the base folder, so no key reaches outside it.
/// </summary>
internal sealed class ObjectPaths
{
    /// <summary>The file inside a shortened-name folder that holds the folder's full segment.</summary>
    public const string SegmentFileName = KeyEncoder.InternalPrefix + "segment";

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly TemporaryArea _temporary;

    public ObjectPaths(string baseDirectory, TemporaryArea temporary)
    {
        BaseDirectory = baseDirectory;
        _temporary = temporary;
    }

    /// <summary>The canonical base folder (symbolic links in the configured path itself resolved).</summary>
    public string BaseDirectory { get; }

    /// <summary>The file path of the object stored under <paramref name="key"/> (a valid key).</summary>
    public string ObjectPath(string key) => Path.Join(BaseDirectory, RelativeObjectPath(key));

    /// <summary>The path of <paramref name="key"/>'s object file relative to the base folder.</summary>
    public static string RelativeObjectPath(string key)
    {
        int slash = key.IndexOf('/');
        if (slash < 0)
        {
            return KeyEncoder.FileName(key);
        }

        var builder = new StringBuilder(key.Length + 16);
        int start = 0;
        while (slash >= 0)
        {
            var segment = key.AsSpan(start, slash - start);
            builder.Append(KeyEncoder.IsVerbatim(segment) ? segment : KeyEncoder.FileName(segment.ToString()))
                .Append(KeyEncoder.DirectorySuffix)
                .Append(Path.DirectorySeparatorChar);
            start = slash + 1;
            slash = key.IndexOf('/', start);
        }

        return builder.Append(KeyEncoder.FileName(key[start..])).ToString();
    }

    /// <summary>The folder path of a "folder" prefix such as <c>a/b/</c> (empty for the base folder).</summary>
    public string FolderPath(string folderPrefix)
    {
        var builder = new StringBuilder(BaseDirectory);
        foreach (var segment in folderPrefix.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append(Path.DirectorySeparatorChar).Append(KeyEncoder.DirectoryName(segment));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Throws AccessDenied when an existing component of <paramref name="path"/> below the base
    /// folder is a symbolic link or junction. Components that do not exist end the check (nothing
    /// below them can exist either).
    /// </summary>
    public void EnsureNoLinks(string path, string key)
    {
        int index = BaseDirectory.Length;
        while (index < path.Length)
        {
            int next = path.IndexOf(Path.DirectorySeparatorChar, index + 1);
            string component = next < 0 ? path : path[..next];
            var attributes = new FileInfo(component).Attributes;
            if ((int)attributes == -1)
            {
                return;
            }

            if ((attributes & FileAttributes.ReparsePoint) != 0)
            {
                throw LinkRefused(key, $"'{component}', a symbolic link or junction inside the base folder");
            }

            if (next < 0)
            {
                return;
            }

            index = next;
        }
    }

    /// <summary>The AccessDenied error for a key whose path passes through a link (<paramref name="where"/> names it).</summary>
    public static StorageException LinkRefused(string key, string where) =>
        new(StorageErrorCode.AccessDenied,
            $"Key '{key}' resolves through {where}; the filesystem engine never follows links, so no key can reach outside baseDir. Remove the link.")
        { Key = key };

    /// <summary>
    /// Creates the folders <paramref name="key"/> needs; returns the parents of folders it created
    /// (whose entries a durable save must flush), empty when they all existed.
    /// </summary>
    public List<string> CreateFolders(string key)
    {
        var created = new List<string>();
        int lastSlash = key.LastIndexOf('/');
        if (lastSlash < 0)
        {
            return created;
        }

        string parent = Path.GetDirectoryName(ObjectPath(key))!;
        if (Directory.Exists(parent))
        {
            return created;
        }

        string current = BaseDirectory;
        foreach (var segment in key[..lastSlash].Split('/'))
        {
            string name = KeyEncoder.Encode(segment, out bool isLong) + KeyEncoder.DirectorySuffix;
            string next = Path.Combine(current, name);
            if (!Directory.Exists(next))
            {
                if (isLong)
                {
                    CreateLongFolder(next, segment);
                }
                else
                {
                    Directory.CreateDirectory(next);
                }

                created.Add(current);
            }

            current = next;
        }

        return created;
    }

    /// <summary>
    /// The full segment of a folder whose name was shortened, read from its segment file — or null
    /// when that file is unreadable, is a link or a special file, or holds anything but a valid key
    /// segment whose encoding is the folder's name (so no text from elsewhere becomes part of a key).
    /// </summary>
    public static string? ReadLongFolderSegment(ObjectFileOpener opener, string relativeFolder, string folderName)
    {
        string relative = relativeFolder == "." ? folderName : Path.Join(relativeFolder, folderName);
        byte[]? bytes = opener.ReadSmallInternalFile(Path.Join(relative, SegmentFileName), StorageKey.MaxSegmentBytes);
        if (bytes is null)
        {
            return null;
        }

        string segment;
        try
        {
            segment = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return IsSegmentOf(segment, folderName[..^KeyEncoder.DirectorySuffix.Length]) ? segment : null;
    }

    /// <summary>Whether <paramref name="segment"/> (read back from disk) is a valid key segment that encodes to <paramref name="encodedName"/>.</summary>
    public static bool IsSegmentOf(string segment, string encodedName) =>
        !segment.Contains(StorageKey.Separator, StringComparison.Ordinal)
        && StorageKey.IsValid(segment, out _)
        && string.Equals(KeyEncoder.Encode(segment, out _), encodedName, StringComparison.Ordinal);

    // A shortened folder appears with its segment file already inside: built in the temporary
    // area, then renamed into place in one step.
    private void CreateLongFolder(string path, string segment)
    {
        string staging = _temporary.NextName();
        try
        {
            using (var folder = _temporary.Folder.OpenOrCreateFolder(staging))
            using (var file = folder.CreateFile(SegmentFileName, 0))
            {
                RandomAccess.Write(file, Encoding.UTF8.GetBytes(segment), 0);
            }

            _temporary.Folder.MoveOut(staging, path, isFolder: true);
        }
        catch (IOException) when (Directory.Exists(path))
        {
            // Another writer created it first.
        }
        finally
        {
            _temporary.Discard(staging);
        }
    }
}
