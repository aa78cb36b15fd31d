using Atomiton.Storage.Plugins.Dropbox.Wire;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// Sends one object through an upload session: <c>start</c> with the first chunk, <c>append_v2</c>
/// for the next, <c>finish</c> with the last and the commit. Only one chunk is in memory. After a
/// failed chunk the retry sends it again at its offset; when Dropbox answers
/// <c>incorrect_offset</c> (the chunk, or part of it, did arrive), the rest is sent from Dropbox's
/// <c>correct_offset</c>. The file appears only at <c>finish</c>, so a failed upload leaves nothing
/// (Dropbox expires the session). The whole file's content hash goes with <c>finish</c>: every chunk
/// before the last is hashed on another thread while it is being sent (the hash reads the buffer the
/// request reads; the next chunk is read into it only once both are done), so hashing costs the save
/// no time of its own except for the last chunk.
/// </summary>
internal sealed class DropboxUploader(DropboxClient client, DropboxEngine engine)
{
    public async ValueTask<StorageItem> UploadAsync(string key, WireCommit commit, ChunkReader reader, StorageContentHash hash, SaveOptions options, CancellationToken cancellationToken)
    {
        var first = reader.Chunk;
        var session = await WhileHashingAsync(hash, first, () => client.RetryAsync(
            token => client.UploadOnceAsync("files/upload_session/start", new WireSessionStartArg(), DropboxJsonContext.Default.WireSessionStartArg, first, DropboxJsonContext.Default.WireSessionStartResult, key, write: false, token),
            cancellationToken));
        long offset = first.Length;
        while (true)
        {
            await reader.ReadNextAsync(cancellationToken);
            DropboxEngine.CheckLength(key, reader, options);
            if (reader.IsLast)
            {
                hash.Append(reader.Chunk.Span);
                break;
            }

            long chunkStart = offset;
            var chunk = reader.Chunk;
            offset = await WhileHashingAsync(hash, chunk, () => AppendAsync(session.SessionId, key, chunkStart, chunk, cancellationToken));
        }

        if (options.ExpectedLength is { } expected && expected != reader.TotalRead)
        {
            throw DropboxEngine.LengthMismatch(key, reader.TotalRead, expected);
        }

        string contentHash = hash.GetResult();
        return await FinishAsync(session.SessionId, key, offset, reader.Chunk, commit, contentHash, options.Condition, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="send"/> while <paramref name="chunk"/> is appended to <paramref name="hash"/>
    /// on the thread pool; returns once both are done (also when the send fails), so the caller may
    /// reuse the chunk's buffer.
    /// </summary>
    private static async ValueTask<T> WhileHashingAsync<T>(StorageContentHash hash, ReadOnlyMemory<byte> chunk, Func<ValueTask<T>> send)
    {
        var hashing = Task.Run(() => hash.Append(chunk.Span), CancellationToken.None);
        try
        {
            return await send();
        }
        finally
        {
            await hashing;
        }
    }

    private ValueTask<long> AppendAsync(string sessionId, string key, long chunkStart, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        long chunkEnd = chunkStart + chunk.Length;
        long from = chunkStart;
        return client.RetryAsync(async token =>
        {
            try
            {
                await client.UploadOnceAsync("files/upload_session/append_v2", new WireAppendArg(new WireSessionCursor(sessionId, from)), DropboxJsonContext.Default.WireAppendArg,
                    chunk[(int)(from - chunkStart)..], key, token);
                return chunkEnd;
            }
            catch (StorageException e) when (e.Data[DropboxErrors.OffsetKey] is long correct)
            {
                from = Resume(sessionId, key, correct, chunkStart, chunkEnd, e);
                if (from == chunkEnd)
                {
                    return chunkEnd; // the whole chunk had arrived; only the answer was lost
                }

                throw; // transient: retried from Dropbox's offset
            }
        }, cancellationToken);
    }

    private async ValueTask<StorageItem> FinishAsync(string sessionId, string key, long chunkStart, ReadOnlyMemory<byte> chunk, WireCommit commit, string contentHash, WriteCondition condition, CancellationToken cancellationToken)
    {
        long chunkEnd = chunkStart + chunk.Length;
        long from = chunkStart;
        bool failedBefore = false;
        try
        {
            var metadata = await client.RetryAsync(async token =>
            {
                try
                {
                    return await client.UploadOnceAsync("files/upload_session/finish", new WireFinishArg(new WireSessionCursor(sessionId, from), commit, contentHash), DropboxJsonContext.Default.WireFinishArg,
                        chunk[(int)(from - chunkStart)..], DropboxJsonContext.Default.WireMetadata, key, write: true, token);
                }
                catch (StorageException e) when (e.Data[DropboxErrors.OffsetKey] is long correct)
                {
                    from = Resume(sessionId, key, correct, chunkStart, chunkEnd, e);
                    throw;
                }
                catch (StorageException e) when (e.IsTransient)
                {
                    failedBefore = true;
                    throw;
                }
            }, cancellationToken);
            return engine.Checked(metadata, key, contentHash);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict || (failedBefore && DropboxErrors.TagsOf(e) == "lookup_failed/not_found"))
        {
            // A finish whose answer was lost has consumed the session: the file is there if it holds these bytes.
            return await engine.OwnWriteOrThrowAsync(key, contentHash, failedBefore, e, condition, cancellationToken);
        }
    }

    private static long Resume(string sessionId, string key, long correct, long chunkStart, long chunkEnd, StorageException e)
    {
        if (correct < chunkStart || correct > chunkEnd)
        {
            throw new StorageException(StorageErrorCode.NetworkError,
                $"Dropbox upload session {sessionId} holds {correct} bytes, outside the chunk being sent ({chunkStart}–{chunkEnd}); the upload was abandoned and nothing was written. Save again.", e)
            { Key = key, Provider = DropboxProvider.TypeName, IsTransient = false };
        }

        return correct;
    }
}
