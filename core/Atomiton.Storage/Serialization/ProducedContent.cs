using System.IO.Pipelines;

namespace Atomiton.Storage.Serialization;

/// <summary>
/// Saves content that a producer writes (a serializer, a text writer) without first building the
/// whole document: the producer writes into a pipe whose other end is the save's source stream, so
/// at most the pipe's pause threshold is buffered. If the producer fails, the source stream fails
/// and the engine writes nothing; the failure is reported as SerializationError.
/// </summary>
internal static class ProducedContent
{
    public static async ValueTask<StorageItem> SaveAsync(IStorageEngine engine, string key, SaveOptions options, Func<Stream, CancellationToken, Task> produce, string what, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        using var producerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = ProduceAsync(pipe.Writer, produce, producerCancellation.Token);
        StorageItem item;
        try
        {
            await using var source = pipe.Reader.AsStream();
            item = await engine.SaveAsync(key, source, options, cancellationToken);
        }
        catch (Exception)
        {
            await producerCancellation.CancelAsync();
            var producerError = await ObserveAsync(producer);
            if (producerError is not null and not OperationCanceledException)
            {
                throw Failed(engine, key, what, producerError);
            }

            // The producer is fine, so the engine's own error stands.
            throw;
        }

        var error = await ObserveAsync(producer);
        if (error is not null)
        {
            // The engine stored what it read although the producer failed afterwards (it did not read to the end).
            throw Failed(engine, key, what, error);
        }

        return item;
    }

    private static async Task ProduceAsync(PipeWriter writer, Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await using (var stream = writer.AsStream(leaveOpen: true))
            {
                await produce(stream, cancellationToken);
            }

            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e);
            throw;
        }
    }

    private static async ValueTask<Exception?> ObserveAsync(Task producer)
    {
        try
        {
            await producer;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static StorageException Failed(IStorageEngine engine, string key, string what, Exception cause) =>
        new(StorageErrorCode.SerializationError, $"Could not serialize {what} for key '{key}': {cause.Message} Nothing was written. Check the value and its JSON contract.", cause)
        { Key = key, Provider = engine.EngineType, Operation = StorageOperation.Save };
}
