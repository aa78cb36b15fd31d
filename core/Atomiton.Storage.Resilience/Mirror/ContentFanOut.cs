using System.Buffers;
using System.IO.Pipelines;

namespace Atomiton.Storage.Resilience.Mirror;

/// <summary>
/// Saves one content stream to several engines at once, reading it once: a pump copies each chunk
/// into one pipe per engine, so memory stays bounded (one pipe's pause threshold per engine) and
/// the slowest engine sets the pace. An engine that fails stops receiving; if the source fails,
/// every save fails and nothing is written anywhere.
/// </summary>
internal static class ContentFanOut
{
    private const int ChunkSize = 81_920;

    public static async Task<(StorageItem? Item, StorageException? Error)[]> SaveAsync(IReadOnlyList<IStorageEngine> targets, string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var pipes = targets.Select(_ => new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19))).ToArray();
        var saves = targets.Select((target, i) => SaveOneAsync(target, key, pipes[i].Reader, options, cancellationToken)).ToArray();
        var pump = PumpAsync(content, pipes.Select(pipe => pipe.Writer).ToArray(), cancellationToken);
        var results = await Task.WhenAll(saves);
        await pump;
        return results;
    }

    private static async Task<(StorageItem? Item, StorageException? Error)> SaveOneAsync(IStorageEngine target, string key, PipeReader reader, SaveOptions options, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await using var source = reader.AsStream();
            return (await target.SaveAsync(key, source, options, cancellationToken), null);
        }
        catch (StorageException e)
        {
            return (null, e);
        }
    }

    private static async Task PumpAsync(Stream content, PipeWriter[] writers, CancellationToken cancellationToken)
    {
        var open = new bool[writers.Length];
        Array.Fill(open, true);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                for (int i = 0; i < writers.Length; i++)
                {
                    if (open[i] && (await writers[i].WriteAsync(buffer.AsMemory(0, read), cancellationToken)).IsCompleted)
                    {
                        open[i] = false;
                    }
                }

                if (!open.Contains(true))
                {
                    break;
                }
            }

            foreach (var writer in writers)
            {
                await writer.CompleteAsync();
            }
        }
        catch (Exception e)
        {
            foreach (var writer in writers)
            {
                await writer.CompleteAsync(e);
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
