using System.Globalization;
using Microsoft.Graph;
using Microsoft.Graph.Drives.Item.Items.Item.CreateUploadSession;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Atomiton.Storage.Plugins.OneDrive;

public sealed partial class OneDriveEngine
{
    /// <summary>How many times an upload session that expired or vanished is started again from the first byte.</summary>
    private const int SessionRestarts = 2;

    /// <summary>How many times a failed session upload is resumed from the session's next expected range.</summary>
    private const int SessionResumes = 5;

    /// <summary>How many upload sessions were created, resumed and restarted (tests and benchmarks read them).</summary>
    internal (int Created, int Resumed, int Restarted) SessionCounts => (_sessionsCreated, _sessionsResumed, _sessionsRestarted);

    private int _sessionsCreated;
    private int _sessionsResumed;
    private int _sessionsRestarted;

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        _names.UrlPathOf(key); // refuses what cannot be stored before reading the content
        int limit = _options.SimpleUploadLimit;
        long start = content.CanSeek ? content.Position : 0;
        if (content.CanSeek && start == 0 && content.Length > limit)
        {
            // The whole object is at hand (a file or a buffer) and too large for a simple upload: the upload
            // task reads it slice by slice, so none of it is read here first.
            CheckLength(key, content.Length, options.ExpectedLength);
            return await UploadSessionAsync(key, content, options, cancellationToken);
        }

        var head = new MemoryStream();
        var buffer = new byte[81920];
        while (head.Length <= limit)
        {
            int read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit + 1 - head.Length)), cancellationToken);
            if (read == 0)
            {
                CheckLength(key, head.Length, options.ExpectedLength);
                return await PutSmallAsync(key, head.GetBuffer().AsMemory(0, (int)head.Length), options, cancellationToken);
            }

            head.Write(buffer, 0, read);
        }

        if (content.CanSeek && start == 0)
        {
            // The whole object is at hand (a file or a buffer): the upload task reads it slice by slice.
            CheckLength(key, content.Length, options.ExpectedLength);
            content.Position = 0;
            return await UploadSessionAsync(key, content, options, cancellationToken);
        }

        // A stream read once: spool it to a temporary file (the upload task needs to seek to resume), so memory stays bounded.
        string spool = Path.Combine(Path.GetTempPath(), "atomiton-onedrive-" + Guid.NewGuid().ToString("N"));
        await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        head.Position = 0;
        await head.CopyToAsync(file, cancellationToken);
        await content.CopyToAsync(file, cancellationToken);
        CheckLength(key, file.Length, options.ExpectedLength);
        file.Position = 0;
        return await UploadSessionAsync(key, file, options, cancellationToken);
    }

    private static void CheckLength(string key, long actual, long? expected)
    {
        if (expected is { } length && length != actual)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"The content stream for key '{key}' yielded {actual} bytes but ExpectedLength is {length}. Nothing was written.")
            { Key = key, Provider = OneDriveProvider.TypeName, Operation = StorageOperation.Save };
        }
    }

    private async ValueTask<StorageItem> PutSmallAsync(string key, ReadOnlyMemory<byte> body, SaveOptions options, CancellationToken cancellationToken)
    {
        var builder = ItemAt(key).Content;
        DriveItem? item;
        try
        {
            string url = builder.ToPutRequestInformation(Stream.Null).URI.ToString();
            if (options.Condition.Kind == WriteConditionKind.IfNotExists)
            {
                url += "?@microsoft.graph.conflictBehavior=fail";
            }

            using var stream = new MemoryStream(body.ToArray(), writable: false);
            item = await builder.WithUrl(url).PutAsync(stream, config => AddIfMatch(config.Headers, options.Condition), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw await WriteErrorAsync(e, key, options.Condition, cancellationToken);
        }

        return await FinishSaveAsync(item!);
    }

    private ValueTask<StorageItem> FinishSaveAsync(DriveItem item) => ValueTask.FromResult(ItemOf(item));

    private static void AddIfMatch(Microsoft.Kiota.Abstractions.RequestHeaders headers, WriteCondition condition)
    {
        if (condition.Kind == WriteConditionKind.IfMatch)
        {
            headers.Add("If-Match", condition.ETag!);
        }
    }

    /// <summary>What a refused write means: 409 is an existing object (create-only) or a name clash between a file and a folder; 412 an ETag mismatch.</summary>
    private async ValueTask<StorageException> WriteErrorAsync(Exception e, string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        var error = OneDriveErrors.From(e, key, StorageOperation.Save);
        if (e is Microsoft.Graph.Models.ODataErrors.ODataError { ResponseStatusCode: 412 })
        {
            return StorageException.ETagMismatch(key, condition.ETag ?? "*", OneDriveProvider.TypeName, StorageOperation.Save);
        }

        if (e is Microsoft.Graph.Models.ODataErrors.ODataError { ResponseStatusCode: 409 })
        {
            if (condition.Kind == WriteConditionKind.IfNotExists && await FindFileAsync(key, StorageOperation.Save, cancellationToken) is not null)
            {
                return StorageException.AlreadyExists(key, OneDriveProvider.TypeName, StorageOperation.Save);
            }

            return StorageException.Unrepresentable(key, "OneDrive holds a folder of that name, or a file where the key needs a folder (a file and a folder cannot share a name there)", OneDriveProvider.TypeName, StorageOperation.Save);
        }

        return error;
    }

    private async ValueTask<StorageItem> UploadSessionAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _contentHttp);
        for (int restart = 0; ; restart++)
        {
            UploadSession session;
            try
            {
                session = (await ItemAt(key).CreateUploadSession.PostAsync(
                    new CreateUploadSessionPostRequestBody
                    {
                        Item = new DriveItemUploadableProperties
                        {
                            FileSize = content.Length,
                            AdditionalData = { ["@microsoft.graph.conflictBehavior"] = options.Condition.Kind == WriteConditionKind.IfNotExists ? "fail" : "replace" },
                        },
                    },
                    config => AddIfMatch(config.Headers, options.Condition),
                    cancellationToken))!;
                Interlocked.Increment(ref _sessionsCreated);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw await WriteErrorAsync(e, key, options.Condition, cancellationToken);
            }

            content.Position = 0;
            var task = new LargeFileUploadTask<DriveItem>(session, content, _options.ChunkSize, adapter);
            try
            {
                UploadResult<DriveItem>? result = null;
                for (int attempt = 0; attempt <= SessionResumes && result is not { UploadSucceeded: true }; attempt++)
                {
                    try
                    {
                        // After a failure, ResumeAsync asks the session for its next expected ranges and sends only those.
                        result = attempt == 0
                            ? await task.UploadAsync(maxTries: 3, cancellationToken: cancellationToken)
                            : await task.ResumeAsync(maxTries: 3, cancellationToken: cancellationToken);
                    }
                    catch (Exception e) when (attempt < SessionResumes && IsTransient(e) && !cancellationToken.IsCancellationRequested)
                    {
                        result = null;
                    }

                    if (result is not { UploadSucceeded: true } && attempt < SessionResumes)
                    {
                        Interlocked.Increment(ref _sessionsResumed);
                    }
                }

                if (result is { UploadSucceeded: true, ItemResponse: { } item })
                {
                    return await FinishSaveAsync(item);
                }

                throw new StorageException(StorageErrorCode.NetworkError, $"The upload session of key '{key}' did not complete after {SessionResumes} resumptions; nothing was replaced.")
                { Key = key, Provider = OneDriveProvider.TypeName, Operation = StorageOperation.Save, IsTransient = true };
            }
            catch (Exception e) when (e is not OperationCanceledException && restart < SessionRestarts && IsSessionGone(e))
            {
                // The session expired or the service forgot it: start again with a new one, from the first byte.
                Interlocked.Increment(ref _sessionsRestarted);
            }
            catch (Exception e) when (e is not OperationCanceledException and not StorageException)
            {
                throw await WriteErrorAsync(e, key, options.Condition, cancellationToken);
            }
        }
    }

    private static bool IsTransient(Exception e) =>
        !IsSessionGone(e) && (e is HttpRequestException or IOException
            || e is Microsoft.Kiota.Abstractions.ApiException { ResponseStatusCode: >= 500 or 429 }
            || (e.InnerException is { } inner && IsTransient(inner))
            || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient)));

    private static bool IsSessionGone(Exception e) =>
        e.Message.Contains("expired", StringComparison.OrdinalIgnoreCase)
        || e is Microsoft.Kiota.Abstractions.ApiException { ResponseStatusCode: 404 }
        || e.InnerException is Microsoft.Kiota.Abstractions.ApiException { ResponseStatusCode: 404 }
        || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsSessionGone));

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
