using System.Buffers;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// Copies a stream in 64 KiB pieces. Unlike <see cref="Stream.CopyToAsync(Stream)"/> on a memory
/// stream (one write of everything), each piece is flushed through Kestrel's back-pressure before
/// the next is read, so a large object never sits whole in the response pipe.
/// </summary>
internal static class BoundedCopy
{
    private const int PieceSize = 64 * 1024;

    public static async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PieceSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, PieceSize), cancellationToken)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
