using System.Globalization;
using System.Net;
using Atomiton.Storage.Plugins.GoogleDrive.Api;
using Atomiton.Storage.Plugins.Shared;
using Google;
using Google.Apis.Upload;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>Saves (multipart up to the threshold, resumable above it) and ranged loads.</summary>
public sealed partial class GoogleDriveEngine
{
    /// <summary>How often a resumable upload whose session expired (404/410) is started again from the first byte (seekable sources only).</summary>
    private const int SessionRestarts = 3;

    /// <summary>
    /// Looks the key up (one request), then sends the content: in one multipart request up to
    /// <see cref="GoogleDriveOptions.MultipartThreshold"/> bytes, otherwise through a resumable upload in
    /// chunks of <see cref="GoogleDriveOptions.ChunkSize"/>. An existing file (the winner) has its
    /// content and metadata replaced, keeping its id and creation time; otherwise a file is created
    /// with a pre-generated id. A source that fails, ends early or runs long commits nothing.
    /// </summary>
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        DriveItems.CheckMetadataFits(key, options.Metadata);
        var existing = (await FindAllAsync(key, cancellationToken)) is { Count: > 0 } files ? DriveItems.Winner(files) : null;
        var metadata = new DriveFile
        {
            MimeType = options.ContentType ?? DriveItems.DefaultMimeType,
            AppProperties = DriveItems.PropertiesOf(options, existing?.AppProperties),
            ModifiedTime = options.LastModified is { } time ? DriveItems.RfcTime(time) : null,
        };
        if (existing is null)
        {
            metadata.Name = key;
            metadata.Parents = [FolderId];
            metadata.Id = await CallAsync(() => _ids.NextAsync(cancellationToken), key);
        }

        var source = new ExactLengthStream(content, key, options.ExpectedLength, provider: null, leaveOpen: true);
        long start = content.CanSeek ? content.Position : -1;
        var head = await ReadHeadAsync(source, _options.MultipartThreshold, cancellationToken);
        DriveFile saved;
        if (head.Length <= _options.MultipartThreshold)
        {
            saved = await MultipartAsync(key, existing?.Id, metadata, head, cancellationToken);
        }
        else
        {
            // Seekable sources are sent as themselves (their length is known and an expired session can start again).
            bool rewind = start >= 0 && options.ExpectedLength is null && content.CanSeek;
            if (rewind)
            {
                content.Position = start;
            }

            saved = await ResumableAsync(key, existing?.Id, metadata, rewind ? content : new PrefixedStream(head, source), rewind ? start : -1, cancellationToken);
        }

        return DriveItems.ToItem(saved);
    }

    /// <summary>Looks the key up (one request) and streams its content (one request; a Range header for a range).</summary>
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var file = await FindWinnerAsync(key, cancellationToken);
        var item = DriveItems.ToItem(file);
        var (start, length) = options.Range is { } range ? range.Resolve(item.Size) : (0, item.Size);
        if (length == 0)
        {
            return new StorageReadResult(item, new MemoryStream([], writable: false));
        }

        var request = new GetMediaRequest(_service, file.Id!);
        var response = await CallAsync(async () =>
        {
            // Sent by hand only to read the body as it arrives (ExecuteAsStreamAsync buffers it whole);
            // the service's handlers (pacing, authorization, retries) still apply.
            using var message = request.CreateRequest();
            if (options.Range is not null)
            {
                message.Headers.TryAddWithoutValidation("Range", string.Create(CultureInfo.InvariantCulture, $"bytes={start}-{start + length - 1}"));
            }

            var answer = await _service.HttpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!answer.IsSuccessStatusCode)
            {
                using (answer)
                {
                    var error = await _service.DeserializeError(answer);
                    throw new GoogleApiException(_service.Name, error?.Message ?? answer.ReasonPhrase) { Error = error, HttpStatusCode = answer.StatusCode };
                }
            }

            return answer;
        }, key);
        try
        {
            return new StorageReadResult(item, new ResponseStream(await response.Content.ReadAsStreamAsync(cancellationToken), response));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<DriveFile> MultipartAsync(string key, string? fileId, DriveFile metadata, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var request = new MultipartUploadRequest(_service, fileId, metadata, content, metadata.MimeType!) { Fields = DriveItems.FileFields };
        try
        {
            return await CallAsync(() => request.ExecuteAsync(cancellationToken), key);
        }
        catch (StorageException e) when (fileId is null && IsConflict(e))
        {
            // The create arrived before and its answer was lost: the id is ours, so the file is too.
            return await CallAsync(() => new GetFileRequest(_service, metadata.Id!) { Fields = DriveItems.FileFields }.ExecuteAsync(cancellationToken), key);
        }
    }

    private async Task<DriveFile> ResumableAsync(string key, string? fileId, DriveFile metadata, Stream content, long rewindTo, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var upload = new DriveResumableUpload(_service, fileId, metadata, content, metadata.MimeType!) { ChunkSize = _options.ChunkSize, Fields = DriveItems.FileFields };
            var progress = await upload.UploadAsync(cancellationToken);
            if (progress.Status == UploadStatus.Completed && upload.ResponseBody is { } saved)
            {
                return saved;
            }

            var failure = progress.Exception;
            cancellationToken.ThrowIfCancellationRequested();
            if (failure is OperationCanceledException canceled)
            {
                throw canceled; // the source's own cancellation: nothing was committed
            }

            if (failure is StorageException storage)
            {
                throw storage; // the source failed (length mismatch, hash, its own error): nothing was committed
            }

            if (failure is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound or HttpStatusCode.Gone } && rewindTo >= 0 && attempt < SessionRestarts)
            {
                // The session expired: start again from the first byte.
                content.Position = rewindTo;
                continue;
            }

            if (failure is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound or HttpStatusCode.Gone })
            {
                throw new StorageException(StorageErrorCode.NetworkError, $"The resumable upload session of key '{key}' expired (Drive answered {(int)((GoogleApiException)failure).HttpStatusCode}) and its source cannot be read again from the start (it is not seekable), so the upload cannot restart. Nothing was written; save again.", failure)
                { Key = key, IsTransient = true };
            }

            if (failure is not null && failure is not (GoogleApiException or HttpRequestException or IOException or TaskCanceledException))
            {
                throw new StorageException(StorageErrorCode.Unknown, $"The upload of key '{key}' failed: {failure.Message}. Nothing was written.", failure) { Key = key };
            }

            throw DriveErrors.Map(failure ?? new IOException("The upload ended without an answer."), key, _context);
        }
    }

    /// <summary>Reads up to <paramref name="threshold"/> + 1 bytes: the whole content when it fits the multipart request.</summary>
    private static async Task<byte[]> ReadHeadAsync(Stream source, int threshold, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(threshold + 1, 81_920)];
        while (buffer.Length <= threshold)
        {
            int read = await source.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, threshold + 1 - buffer.Length)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
