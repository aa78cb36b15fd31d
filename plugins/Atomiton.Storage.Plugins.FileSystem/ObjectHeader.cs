using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The header at the start of every object file: key, ETag, times, SHA-256 of the content, the
/// client's last-modified time, content type, user metadata and content length, followed by the
/// content. Format 2 added the hash and the last-modified time; format 1 files (written before) are
/// still read, without them. Header and content live in one file, so one rename
/// replaces both and they can never disagree after a crash. Layout in <c>docs/filesystem-format.md</c>.
/// </summary>
internal sealed record ObjectHeader
{
    /// <summary>Offset of the fixed fields that are only known once the content is written.</summary>
    public const int FixedFieldsOffset = 16;

    /// <summary>Length of those fixed fields: content length, created, updated, ETag, SHA-256, last-modified.</summary>
    public const int FixedFieldsLength = 40 + Sha256Bytes + 8;

    /// <summary>The format this release writes.</summary>
    public const ushort FormatVersion = 2;

    /// <summary>The first format: no hash, no last-modified; its variable part starts right after the ETag.</summary>
    public const ushort LegacyFormatVersion = 1;

    private const int VariableOffset = FixedFieldsOffset + FixedFieldsLength;
    private const int LegacyVariableOffset = FixedFieldsOffset + 40;
    private const int ETagBytes = 16;
    private const int Sha256Bytes = 32;

    // Stored in the last-modified field when the save gave none.
    private const long NoLastModified = long.MinValue;
    private const ushort NullString = ushort.MaxValue;
    /// <summary>How much of a file a header-only read takes in one go.</summary>
    public const int FirstRead = 4096;
    private const int MaxHeaderLength = 1024 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private static readonly byte[] Magic = [0x89, (byte)'A', (byte)'T', (byte)'F', (byte)'S', 0x0D, 0x0A, 0x1A];

    public required string Key { get; init; }

    public required long ContentLength { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public required string ETag { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = StorageItem.EmptyMetadata;

    /// <summary>The content's SHA-256 (lowercase hex); null in a format 1 file, which never stored it.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The client's last-modified time, or null when the save gave none (always null in format 1).</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>The file's format version (1 or 2).</summary>
    public ushort Version { get; init; } = FormatVersion;

    /// <summary>Where the content starts in the file.</summary>
    public required int Length { get; init; }

    /// <summary>The item the contract reports for this object.</summary>
    public StorageItem ToItem() => new()
    {
        Key = Key,
        Size = ContentLength,
        Created = Created,
        Updated = Updated,
        ETag = ETag,
        ContentType = ContentType,
        Metadata = Metadata,
        Hashes = Sha256 is null ? StorageItem.EmptyMetadata : HashesOf(Sha256),
        LastModified = LastModified,
    };

    /// <summary>The item's hashes for a SHA-256 value.</summary>
    public static IReadOnlyDictionary<string, string> HashesOf(string sha256) =>
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(
            new Dictionary<string, string>(1, StringComparer.Ordinal) { [StorageHashAlgorithms.Sha256] = sha256 });

    /// <summary>
    /// Lays out a header for <paramref name="key"/> with its variable part filled and the fixed
    /// fields zero; <see cref="WriteFixedFields"/> fills those in before the file is renamed into place.
    /// </summary>
    public static byte[] Prepare(string key, string? contentType, IReadOnlyDictionary<string, string>? metadata)
    {
        int length = VariableOffset + SizeOf(key) + SizeOf(contentType) + 2;
        if (metadata is not null)
        {
            foreach (var (name, value) in metadata)
            {
                length += SizeOf(name) + SizeOf(value);
            }
        }

        var header = new byte[length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), length);
        int offset = VariableOffset;
        offset = WriteString(header, offset, key);
        offset = WriteString(header, offset, contentType);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(offset), (ushort)(metadata?.Count ?? 0));
        offset += 2;
        if (metadata is not null)
        {
            foreach (var (name, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                offset = WriteString(header, offset, name);
                offset = WriteString(header, offset, value);
            }
        }

        return header;
    }

    /// <summary>
    /// Writes content length, times, ETag, the content's SHA-256 (hex) and the client's last-modified time
    /// into <paramref name="fields"/> (<see cref="FixedFieldsLength"/> bytes).
    /// </summary>
    public static void WriteFixedFields(Span<byte> fields, long contentLength, DateTimeOffset created, DateTimeOffset updated, ReadOnlySpan<byte> etag, string sha256, DateTimeOffset? lastModified)
    {
        BinaryPrimitives.WriteInt64LittleEndian(fields, contentLength);
        BinaryPrimitives.WriteInt64LittleEndian(fields[8..], created.UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(fields[16..], updated.UtcTicks);
        etag[..ETagBytes].CopyTo(fields[24..]);
        Convert.FromHexString(sha256, fields.Slice(40, Sha256Bytes), out _, out _);
        BinaryPrimitives.WriteInt64LittleEndian(fields[(40 + Sha256Bytes)..], lastModified?.UtcTicks ?? NoLastModified);
    }

    /// <summary>A fresh random ETag value (<see cref="ETagBytes"/> bytes).</summary>
    public static byte[] NewETag() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(ETagBytes);

    /// <summary>The ETag string of raw ETag bytes.</summary>
    public static string FormatETag(ReadOnlySpan<byte> etag) => Convert.ToHexStringLower(etag);

    /// <summary>
    /// Reads and checks the header of an open object file, reading the file's first bytes into
    /// <paramref name="buffer"/> — in one system call, as a rule — so that a small object's content
    /// comes with its header. <paramref name="buffered"/> tells how many bytes of the file the buffer
    /// now holds. Throws Integrity when the file is not an object file of this format, or its length
    /// disagrees with the header (a torn or altered file).
    /// </summary>
    public static ObjectHeader Read(SafeFileHandle handle, string expectedKey, Span<byte> buffer, out int buffered)
    {
        int read = ReadAtLeast(handle, buffer, 0, VariableOffset);
        buffered = read;
        var first = buffer[..read];
        if (read < LegacyVariableOffset || !first[..8].SequenceEqual(Magic))
        {
            throw Corrupt(expectedKey, "it does not start with an object header");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(first[8..]);
        if (version is not (FormatVersion or LegacyFormatVersion))
        {
            throw Corrupt(expectedKey, $"its format version {version} is not {LegacyFormatVersion} or {FormatVersion} (written by a newer release?)");
        }

        int variableOffset = VariableOffsetOf(version);

        int length = BinaryPrimitives.ReadInt32LittleEndian(first[12..]);
        long contentLength = BinaryPrimitives.ReadInt64LittleEndian(first[16..]);
        // Object files never change once renamed into place, so a read that stopped short exactly
        // where the header says the object ends reached the end of the file: no need to ask its length.
        long fileLength = read < buffer.Length && read == length + contentLength ? read : RandomAccess.GetLength(handle);
        if (length < variableOffset + 6 || length > MaxHeaderLength || length > fileLength)
        {
            throw Corrupt(expectedKey, "its header length is out of range");
        }

        if (length <= read)
        {
            return Parse(first[..length], fileLength, expectedKey, version);
        }

        var header = new byte[length];
        ReadAtLeast(handle, header, 0, length);
        return Parse(header, fileLength, expectedKey, version);
    }

    private static int VariableOffsetOf(ushort version) => version == LegacyFormatVersion ? LegacyVariableOffset : VariableOffset;

    private static ObjectHeader Parse(ReadOnlySpan<byte> header, long fileLength, string expectedKey, ushort version)
    {
        long contentLength = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (contentLength < 0 || header.Length + contentLength != fileLength)
        {
            throw Corrupt(expectedKey, $"it holds {fileLength - header.Length} content bytes but its header says {contentLength} (torn or truncated)");
        }

        try
        {
            int offset = VariableOffsetOf(version);
            string key = ReadString(header, ref offset) ?? throw Corrupt(expectedKey, "its header has no key");
            string? contentType = ReadString(header, ref offset);
            int count = BinaryPrimitives.ReadUInt16LittleEndian(header[offset..]);
            offset += 2;
            IReadOnlyDictionary<string, string> metadata = StorageItem.EmptyMetadata;
            if (count > 0)
            {
                var pairs = new Dictionary<string, string>(count, StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                {
                    string name = ReadString(header, ref offset) ?? throw Corrupt(expectedKey, "a metadata name is null");
                    pairs[name] = ReadString(header, ref offset) ?? throw Corrupt(expectedKey, "a metadata value is null");
                }

                metadata = new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(pairs);
            }

            if (!string.Equals(key, expectedKey, StringComparison.Ordinal))
            {
                throw Corrupt(expectedKey, $"it holds the object of another key ('{key}'); was it moved by hand?");
            }

            return new ObjectHeader
            {
                Key = key,
                ContentLength = contentLength,
                Created = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(header[24..]), TimeSpan.Zero),
                Updated = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(header[32..]), TimeSpan.Zero),
                ETag = FormatETag(header.Slice(40, ETagBytes)),
                ContentType = contentType,
                Metadata = metadata,
                Length = header.Length,
                Version = version,
                Sha256 = version == LegacyFormatVersion ? null : Convert.ToHexStringLower(header.Slice(56, Sha256Bytes)),
                LastModified = version == LegacyFormatVersion ? null : ReadLastModified(BinaryPrimitives.ReadInt64LittleEndian(header[(56 + Sha256Bytes)..])),
            };
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or DecoderFallbackException or ArgumentException)
        {
            throw Corrupt(expectedKey, "its header is malformed", e);
        }
    }

    /// <summary>Reads the key stored in the header of an object file (used for shortened long names).</summary>
    public static string ReadKey(SafeFileHandle handle, string pathForMessages)
    {
        Span<byte> first = stackalloc byte[VariableOffset + 2 + 3 * 1024];
        int read = RandomAccess.Read(handle, first, 0);
        first = first[..read];
        if (read < LegacyVariableOffset + 2 || !first[..8].SequenceEqual(Magic))
        {
            throw Corrupt(pathForMessages, "it does not start with an object header");
        }

        int variableOffset = VariableOffsetOf(BinaryPrimitives.ReadUInt16LittleEndian(first[8..]));
        if (variableOffset + 2 > read)
        {
            throw Corrupt(pathForMessages, "its header is cut short");
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(first[variableOffset..]);
        if (variableOffset + 2 + length > read)
        {
            throw Corrupt(pathForMessages, "its key is cut short");
        }

        return Encoding.UTF8.GetString(first.Slice(variableOffset + 2, length));
    }

    private static DateTimeOffset? ReadLastModified(long ticks) =>
        ticks == NoLastModified ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private static int ReadAtLeast(SafeFileHandle handle, Span<byte> buffer, long offset, int minimum)
    {
        int total = 0;
        while (total < minimum)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static int SizeOf(string? value) => 2 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));

    private static int WriteString(byte[] header, int offset, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(offset), NullString);
            return offset + 2;
        }

        int written = Encoding.UTF8.GetBytes(value, header.AsSpan(offset + 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(offset), (ushort)written);
        return offset + 2 + written;
    }

    private static string? ReadString(ReadOnlySpan<byte> header, ref int offset)
    {
        ushort length = BinaryPrimitives.ReadUInt16LittleEndian(header[offset..]);
        offset += 2;
        if (length == NullString)
        {
            return null;
        }

        string value = StrictUtf8.GetString(header.Slice(offset, length));
        offset += length;
        return value;
    }

    private static StorageException Corrupt(string key, string problem, Exception? inner = null) =>
        new(StorageErrorCode.Integrity, $"The file of key '{key}' is not a valid object file: {problem}. Restore it from a backup or delete the key.", inner)
        { Key = key };
}
