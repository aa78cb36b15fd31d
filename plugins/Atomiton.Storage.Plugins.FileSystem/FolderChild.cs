using System.Buffers;

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

    /// <summary>
    /// Sorts children in key order. Large selections are sorted on a 64-bit key packing the
    /// characters that follow the prefix they all share — eight of them, a byte each, when they all
    /// fit in a byte (as encoded names do), else four of 16 bits — which is a sort of plain integers;
    /// only runs of equal keys are then ordered by the full comparison.
    /// </summary>
    public static void Sort(Span<FolderChild> children)
    {
        if (children.Length < 256)
        {
            children.Sort();
            return;
        }

        int common = CommonPrefixLength(children);
        ulong[] keys = ArrayPool<ulong>.Shared.Rent(children.Length);
        int[] order = ArrayPool<int>.Shared.Rent(children.Length);
        FolderChild[] sorted = ArrayPool<FolderChild>.Shared.Rent(children.Length);
        try
        {
            var packed = keys.AsSpan(0, children.Length);
            bool narrow = true;
            for (int i = 0; i < children.Length && narrow; i++)
            {
                narrow = TryPackNarrow(children[i], common, out packed[i]);
            }

            if (!narrow)
            {
                for (int i = 0; i < children.Length; i++)
                {
                    packed[i] = PackWide(children[i], common);
                }
            }

            // Sorting the keys with small indices, then moving each child once, beats sorting the
            // keys with the children themselves in tow.
            var positions = order.AsSpan(0, children.Length);
            for (int i = 0; i < positions.Length; i++)
            {
                positions[i] = i;
            }

            packed.Sort(positions);
            var result = sorted.AsSpan(0, children.Length);
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = children[positions[i]];
            }

            for (int start = 0; start < result.Length;)
            {
                int end = start + 1;
                while (end < result.Length && packed[end] == packed[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    result[start..end].Sort();
                }

                start = end;
            }

            result.CopyTo(children);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<FolderChild>.Shared.Return(sorted, clearArray: true);
        }
    }

    private static int CommonPrefixLength(ReadOnlySpan<FolderChild> children)
    {
        // Typically a few characters: a plain loop beats a vectorised comparison call per name.
        string first = children[0].Segment;
        int common = first.Length;
        for (int i = 1; i < children.Length && common > 0; i++)
        {
            string other = children[i].Segment;
            int limit = Math.Min(common, other.Length);
            int j = 0;
            while (j < limit && other[j] == first[j])
            {
                j++;
            }

            common = j;
        }

        return common;
    }

    // The key order's sequence from `common` on (segment, then '/' for a folder, then the end as 0,
    // below every character a key may hold), first character in the highest bits.
    private static bool TryPackNarrow(FolderChild child, int common, out ulong key)
    {
        var rest = child.Segment.AsSpan(common);
        int take = Math.Min(8, rest.Length);
        key = 0;
        for (int i = 0; i < take; i++)
        {
            char c = rest[i];
            if (c > 0xFF)
            {
                return false;
            }

            key = (key << 8) | c;
        }

        int filled = take;
        if (filled < 8 && child.IsFolder)
        {
            key = (key << 8) | '/';
            filled++;
        }

        key <<= 8 * (8 - filled);
        return true;
    }

    private static ulong PackWide(FolderChild child, int common)
    {
        var rest = child.Segment.AsSpan(common);
        int take = Math.Min(4, rest.Length);
        ulong key = 0;
        for (int i = 0; i < take; i++)
        {
            key = (key << 16) | rest[i];
        }

        int filled = take;
        if (filled < 4 && child.IsFolder)
        {
            key = (key << 16) | '/';
            filled++;
        }

        return key << (16 * (4 - filled));
    }

    private static int CharAt(ReadOnlySpan<char> segment, bool isFolder, int index) =>
        index < segment.Length ? segment[index] : isFolder && index == segment.Length ? '/' : End;
}
