namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// One name in a folder: the key segment it stands for, its name on disk, and whether it is a folder
/// (whose keys all continue with <c>/</c>, so it sorts as segment + <c>/</c>). Ordered like the keys
/// it stands for (ordinal UTF-16), without building them.
/// </summary>
internal readonly record struct FolderChild(string Segment, string Name, bool IsFolder) : IComparable<FolderChild>
{
    private const int End = -1;

    public int CompareTo(FolderChild other) => Compare(Segment, IsFolder, other.Segment, other.IsFolder);

    /// <summary>Ordinal order of the keys two children stand for.</summary>
    public static int Compare(ReadOnlySpan<char> segment, bool isFolder, ReadOnlySpan<char> otherSegment, bool otherIsFolder)
    {
        int common = Math.Min(segment.Length, otherSegment.Length);
        int result = segment[..common].SequenceCompareTo(otherSegment[..common]);
        return result != 0 ? result : CharAt(segment, isFolder, common).CompareTo(CharAt(otherSegment, otherIsFolder, common));
    }

    /// <summary>Whether some key the child stands for is ordinally after <paramref name="startAfter"/> (relative to the folder).</summary>
    public static bool IsAfter(ReadOnlySpan<char> segment, bool isFolder, string startAfter)
    {
        int common = Math.Min(segment.Length, startAfter.Length);
        int result = segment[..common].SequenceCompareTo(startAfter.AsSpan(0, common));
        if (result != 0)
        {
            return result > 0;
        }

        int mine = CharAt(segment, isFolder, common);
        int theirs = common < startAfter.Length ? startAfter[common] : End;
        // A folder "a/" whose prefix startAfter continues ("a/x") still holds keys after it.
        return mine > theirs || (isFolder && mine == theirs && mine == '/');
    }

    private static int CharAt(ReadOnlySpan<char> segment, bool isFolder, int index) =>
        index < segment.Length ? segment[index] : isFolder && index == segment.Length ? '/' : End;
}
