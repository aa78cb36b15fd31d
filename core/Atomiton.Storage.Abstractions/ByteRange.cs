namespace Atomiton.Storage;

/// <summary>
/// A range of bytes to read: from an offset (for a length, or to the end), or the last N bytes.
/// Ranges past the end are clamped to the end, never an error.
/// </summary>
public readonly record struct ByteRange
{
    private ByteRange(long offset, long? length, bool isSuffix)
    {
        Offset = offset;
        Length = length;
        IsSuffix = isSuffix;
    }

    /// <summary>The first byte to read (ignored for a suffix range).</summary>
    public long Offset { get; }

    /// <summary>How many bytes to read; null to the end. For a suffix range, the count of last bytes.</summary>
    public long? Length { get; }

    /// <summary>True for "the last <see cref="Length"/> bytes".</summary>
    public bool IsSuffix { get; }

    /// <summary>Bytes from <paramref name="offset"/>, <paramref name="length"/> of them or to the end when null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative offset or length.</exception>
    public static ByteRange From(long offset, long? length = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(length));
        }

        return new ByteRange(offset, length, isSuffix: false);
    }

    /// <summary>The last <paramref name="count"/> bytes (the whole object if it is shorter; none when 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative count.</exception>
    public static ByteRange Suffix(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new ByteRange(0, count, isSuffix: true);
    }

    /// <summary>Resolves this range against an object of <paramref name="size"/> bytes: the clamped start and length.</summary>
    public (long Start, long Length) Resolve(long size)
    {
        if (IsSuffix)
        {
            long count = Math.Min(Length!.Value, size);
            return (size - count, count);
        }

        long start = Math.Min(Offset, size);
        long available = size - start;
        return (start, Length is { } l ? Math.Min(l, available) : available);
    }

    /// <inheritdoc />
    public override string ToString() => IsSuffix ? $"bytes=-{Length}" : $"bytes={Offset}-{(Length is { } l ? (Offset + l - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}";
}
