using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// Reads the names in an open folder with getdents64 (Linux): a buffer of entries per system call,
/// each name handed over as a span (no string unless the caller keeps it), links told apart by the
/// entry type the kernel reports. .NET's enumeration makes one native call per name, which dominates
/// the cost of a listing of a large folder.
/// </summary>
internal static class DirectoryEntries
{
    private const int BufferSize = 128 * 1024;
    private const int RecordLengthOffset = 16;
    private const int TypeOffset = 18;
    private const int NameOffset = 19;
    private const byte TypeUnknown = 0;
    private const byte TypeFolder = 4;
    private const byte TypeLink = 10;

    private static volatile bool s_missing;

    /// <summary>Receives one name of the folder (valid during the call only) and whether it is a folder.</summary>
    public delegate void Visitor(ReadOnlySpan<char> name, bool isFolder);

    /// <summary>Whether getdents64 may be used: Linux, and not found missing from the C library.</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux() && !s_missing;

    /// <summary>
    /// Calls <paramref name="visit"/> for every entry of the open <paramref name="folder"/> but
    /// <c>.</c>, <c>..</c> and (unless <paramref name="includeLinks"/>, when they are visited as
    /// files) links, in the order the file system keeps them. Returns false, having visited
    /// nothing, when the C library has no getdents64.
    /// </summary>
    /// <exception cref="IOException">The folder could not be read.</exception>
    public static bool ForEach(SafeFileHandle folder, string folderPath, Visitor visit, bool includeLinks = false)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        Span<char> name = stackalloc char[256];
        try
        {
            while (true)
            {
                int filled;
                try
                {
                    filled = NativeMethods.ReadDirectoryEntries(folder, buffer);
                }
                catch (EntryPointNotFoundException)
                {
                    s_missing = true;
                    return false;
                }

                if (filled == 0)
                {
                    return true;
                }

                if (filled < 0)
                {
                    throw new IOException($"Could not read the folder '{folderPath}': {NativeMethods.Describe(-filled)}.", -filled);
                }

                for (int offset = 0; offset < filled;)
                {
                    var record = buffer.AsSpan(offset, filled - offset);
                    int length = MemoryMarshal.Read<ushort>(record[RecordLengthOffset..]);
                    byte type = record[TypeOffset];
                    var bytes = record[NameOffset..length];
                    int end = bytes.IndexOf((byte)0);
                    bytes = end < 0 ? bytes : bytes[..end];
                    offset += length;
                    if ((type == TypeLink && !includeLinks) || (bytes.Length <= 2 && (bytes.SequenceEqual("."u8) || bytes.SequenceEqual(".."u8))))
                    {
                        continue;
                    }

                    var text = name[..Decode(bytes, name)];
                    bool isFolder = type == TypeFolder;
                    if (type == TypeUnknown)
                    {
                        // Some file systems do not report types: ask (lstat), and skip links.
                        var attributes = new FileInfo(Path.Join(folderPath, text)).Attributes;
                        bool link = (int)attributes != -1 && (attributes & FileAttributes.ReparsePoint) != 0;
                        if ((int)attributes == -1 || (link && !includeLinks))
                        {
                            continue;
                        }

                        isFolder = !link && (attributes & FileAttributes.Directory) != 0;
                    }

                    visit(text, isFolder);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Names the engine writes are ASCII; anything else is decoded as UTF-8 (invalid bytes become
    // U+FFFD, which no encoded name contains, so such a name is reported as foreign).
    private static int Decode(ReadOnlySpan<byte> bytes, Span<char> chars) =>
        Ascii.ToUtf16(bytes, chars, out int written) == OperationStatus.Done ? written : Encoding.UTF8.GetChars(bytes, chars);
}
