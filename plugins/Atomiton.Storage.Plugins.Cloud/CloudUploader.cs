using System.Globalization;
using System.Net.Http.Json;
using Atomiton.Storage.Cloud.Wire;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// Sends one object through a resumable upload session: chunks are sent at exact offsets; after a
/// failed chunk (dropped connection, restarted server) the next attempt asks the server how many
/// bytes it holds and sends only the rest. Only the commit makes the object visible, in one atomic
/// save, so a failed upload never leaves a partial object; the session is aborted on failure.
/// </summary>
internal sealed class CloudUploader(CloudTransport transport)
{
    public async ValueTask<StorageItem> UploadAsync(string key, ChunkReader reader, SaveOptions options, CancellationToken cancellationToken)
    {
        var request = new WireUploadRequest
        {
            Key = key,
            ContentType = options.ContentType,
            Metadata = options.Metadata is null ? null : new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal),
            Length = options.ExpectedLength,
            IfMatch = options.Condition.Kind == WriteConditionKind.IfMatch ? options.Condition.ETag : null,
            IfNotExists = options.Condition.Kind == WriteConditionKind.IfNotExists,
            ExpectedHashes = options.ExpectedHashes is { Count: > 0 } hashes ? new Dictionary<string, string>(hashes, StringComparer.Ordinal) : null,
            LastModified = options.LastModified,
        };
        var session = await transport.SendJsonAsync<WireUploadSession>(
            () => new HttpRequestMessage(HttpMethod.Post, "v1/uploads") { Content = JsonContent.Create(request, options: CloudJson.Options) },
            key, cancellationToken);
        try
        {
            long offset = 0;
            while (true)
            {
                offset = await SendChunkAsync(session.Id, key, offset, reader.Chunk, cancellationToken);
                if (reader.IsLast)
                {
                    break;
                }

                await reader.ReadNextAsync(cancellationToken);
                CheckLength(key, reader, options);
            }

            if (options.ExpectedLength is { } expected && expected != reader.TotalRead)
            {
                throw CloudEngine.LengthMismatch(key, reader.TotalRead, expected);
            }

            var item = await transport.SendJsonAsync<WireItem>(
                () => new HttpRequestMessage(HttpMethod.Post, $"v1/uploads/{session.Id}/commit"), key, cancellationToken);
            return item.Size == reader.TotalRead ? item.ToItem() : throw OutOfStep(session.Id, key, item.Size, reader.TotalRead);
        }
        catch
        {
            await AbortAsync(session.Id, key);
            throw;
        }
    }

    /// <summary>Fails as soon as the source runs longer than its declared length.</summary>
    public static void CheckLength(string key, ChunkReader reader, SaveOptions options)
    {
        if (options.ExpectedLength is { } expected && reader.TotalRead > expected)
        {
            throw CloudEngine.LengthMismatch(key, reader.TotalRead, expected);
        }
    }

    private ValueTask<long> SendChunkAsync(string sessionId, string key, long chunkStart, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        long chunkEnd = chunkStart + chunk.Length;
        bool resync = false;
        return transport.RetryAsync(async token =>
        {
            long from = chunkStart;
            if (resync)
            {
                from = await ServerOffsetAsync(sessionId, key, token);
                if (from < chunkStart || from > chunkEnd)
                {
                    throw new StorageException(StorageErrorCode.NetworkError,
                        $"Upload session {sessionId} holds {from} bytes, outside the chunk being resent ({chunkStart}–{chunkEnd}); the upload was abandoned and nothing was written. Save again.")
                    { Key = key, Provider = CloudProvider.TypeName, IsTransient = false };
                }

                if (from == chunkEnd)
                {
                    return chunkEnd;
                }
            }

            resync = true;
            var request = new HttpRequestMessage(HttpMethod.Put, string.Create(CultureInfo.InvariantCulture, $"v1/uploads/{sessionId}?offset={from}"))
            {
                Content = new ReadOnlyMemoryContent(chunk[(int)(from - chunkStart)..]),
            };
            try
            {
                using var response = await transport.SendOnceAsync(request, key, token);
                var state = await response.Content.ReadFromJsonOrThrowAsync<WireUploadSession>(token);
                return state.Offset == chunkEnd ? chunkEnd : throw OutOfStep(sessionId, key, state.Offset, chunkEnd);
            }
            catch (StorageException e) when (e.Data[CloudErrors.OffsetDataKey] is long)
            {
                throw new StorageException(StorageErrorCode.NetworkError, $"Upload session {sessionId} is at another offset than this chunk; resuming from the server's offset.", e)
                { Key = key, Provider = CloudProvider.TypeName, IsTransient = true };
            }
            catch (IOException e)
            {
                throw CloudErrors.Network(key, e);
            }
        }, cancellationToken);
    }

    private static StorageException OutOfStep(string sessionId, string key, long serverBytes, long sentBytes) =>
        new(StorageErrorCode.Integrity, $"Upload session {sessionId} holds {serverBytes} bytes where {sentBytes} were sent; the upload was abandoned. Save again.")
        { Key = key, Provider = CloudProvider.TypeName };

    private async ValueTask<long> ServerOffsetAsync(string sessionId, string key, CancellationToken cancellationToken)
    {
        using var response = await transport.SendOnceAsync(new HttpRequestMessage(HttpMethod.Get, $"v1/uploads/{sessionId}"), key, cancellationToken);
        try
        {
            return (await response.Content.ReadFromJsonOrThrowAsync<WireUploadSession>(cancellationToken)).Offset;
        }
        catch (IOException e)
        {
            throw CloudErrors.Network(key, e);
        }
    }

    private async ValueTask AbortAsync(string sessionId, string key)
    {
        try
        {
            using var response = await transport.SendOnceAsync(new HttpRequestMessage(HttpMethod.Delete, $"v1/uploads/{sessionId}"), key, CancellationToken.None);
        }
        catch (StorageException)
        {
            // Best effort: the server expires abandoned sessions anyway.
        }
    }
}
