using System.Buffers;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The names one listing pass holds, in an array rented from the shared pool (a large folder would
/// otherwise grow a fresh large-object array on every listing), with a running estimate of the
/// memory they take. Not thread-safe; return it with <see cref="Dispose"/>.
/// </summary>
internal sealed class ChildSelection : IDisposable
{
    private const int ChildBytes = 24;
    private const int StringOverheadBytes = 24;

    private FolderChild[] _children = ArrayPool<FolderChild>.Shared.Rent(256);

    /// <summary>How many children are held.</summary>
    public int Count { get; private set; }

    /// <summary>Roughly how many bytes the children and their strings take.</summary>
    public long Bytes { get; private set; }

    /// <summary>The children held, in the order added (or as last sorted).</summary>
    public Span<FolderChild> Children => _children.AsSpan(0, Count);

    public void Add(FolderChild child)
    {
        if (Count == _children.Length)
        {
            var larger = ArrayPool<FolderChild>.Shared.Rent(_children.Length * 2);
            Children.CopyTo(larger);
            ArrayPool<FolderChild>.Shared.Return(_children, clearArray: true);
            _children = larger;
        }

        _children[Count++] = child;
        Bytes += SizeOf(child);
    }

    /// <summary>Keeps the first <paramref name="count"/> children only.</summary>
    public void Truncate(int count)
    {
        _children.AsSpan(count, Count - count).Clear();
        Count = count;
        long bytes = 0;
        foreach (var child in Children)
        {
            bytes += SizeOf(child);
        }

        Bytes = bytes;
    }

    public void Clear() => Truncate(0);

    public void Dispose()
    {
        ArrayPool<FolderChild>.Shared.Return(_children, clearArray: true);
        _children = [];
        Count = 0;
    }

    private static long SizeOf(FolderChild child) =>
        ChildBytes + StringOverheadBytes + 2L * child.Name.Length
        + (ReferenceEquals(child.Segment, child.Name) ? 0 : StringOverheadBytes + 2L * child.Segment.Length);
}
