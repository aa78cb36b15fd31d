namespace Atomiton.Storage.Cloud.Server.Changes;

/// <summary>Reads <c>\n</c>-terminated lines of a file from a byte offset, with the offset of each, in bounded memory.</summary>
internal static class LineReader
{
    /// <summary>
    /// The lines between <paramref name="from"/> and <paramref name="to"/> (exclusive), each with its offset and whether
    /// a newline ended it (only the file's last line may lack one: a write cut off by a crash).
    /// </summary>
    public static IEnumerable<(long Offset, byte[] Line, bool Terminated)> Read(FileStream file, long from, long to)
    {
        file.Seek(from, SeekOrigin.Begin);
        var buffer = new byte[64 * 1024];
        var pending = new MemoryStream();
        long lineStart = from;
        long position = from;
        while (position < to)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, to - position));
            if (read == 0)
            {
                break;
            }

            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                pending.Write(buffer, start, i - start);
                yield return (lineStart, pending.ToArray(), true);
                pending.SetLength(0);
                lineStart = position + i + 1;
                start = i + 1;
            }

            pending.Write(buffer, start, read - start);
            position += read;
        }

        if (pending.Length > 0)
        {
            yield return (lineStart, pending.ToArray(), false);
        }
    }
}
