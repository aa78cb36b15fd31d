using System.Runtime.CompilerServices;
using Atomiton.Storage.IO;
using Atomiton.Storage.Plugins.Browser.Interop;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser;

/// <summary>
/// What the two browser engines share: a save's content goes to the page inline in the commit call when it
/// is small, and as a <see cref="DotNetStreamReference"/> the page reads in chunks when it is larger (the
/// module assembles it and commits it in one call, so a failed or cancelled save writes nothing); a load comes
/// back inline when small and as an <see cref="IJSStreamReference"/> when large. Either way .NET holds at most
/// one chunk of a large object, and no interop message comes near Blazor Server's 32 KB cap. Listings come in
/// pages bounded by count and bytes.
/// </summary>
public abstract class BrowserEngine : StorageEngine
{
    /// <summary>
    /// Saves up to this size travel in the commit call itself (one round trip); larger ones stream to the page
    /// through a <see cref="DotNetStreamReference"/>. Below the large object heap's threshold.
    /// </summary>
    public const int InlineSaveLimit = 64 * 1024;

    /// <summary>Loads up to this size come back in the call's answer; larger ones as a stream.</summary>
    public const int InlineLoadLimit = 16 * 1024;

    /// <summary>The most bytes of entries one listing or change page carries (Blazor Server's default cap is 32 KB per message).</summary>
    internal const int PageByteBudget = 20 * 1024;

    private readonly CancellationTokenSource _disposing = new();

    private protected BrowserEngine(IJSRuntime runtime, string engineType, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Module = new BrowserModule(runtime, engineType);
        Time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The clock for Created and Updated.</summary>
    protected TimeProvider Time { get; }

    private protected BrowserModule Module { get; }

    /// <summary>Cancelled when the engine is disposed (ends waits).</summary>
    private protected CancellationToken Disposing => _disposing.Token;

    /// <summary>The default page size of listings.</summary>
    private protected const int DefaultPageSize = 500;

    /// <summary>
    /// Reads a save's content (exact length checked) and hands it to the page: content up to
    /// <see cref="InlineSaveLimit"/> comes back as <see cref="PendingContent.Inline"/> and travels in the commit
    /// call; larger content goes to the page first and <see cref="PendingContent.Upload"/> names the upload the
    /// commit takes. WebAssembly: the page reads a <see cref="DotNetStreamReference"/> (in process) into Blob
    /// parts (<c>receiveUpload</c>). Blazor Server: .NET sends it in <see cref="ServerUploadChunk"/> calls
    /// (<c>appendUpload</c>) — server-to-browser messages have no 32 KB cap, and the stream reference would be
    /// pulled in 32 KB messages, each a round trip. Either way .NET holds one chunk at a time.
    /// </summary>
    private protected async ValueTask<PendingContent> UploadAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        await using var exact = new ExactLengthStream(content, key, options.ExpectedLength, provider: EngineType);

        // A small save reads into a buffer of its own size (the length is known for byte arrays and seekable
        // streams) rather than the whole inline limit; one byte more tells whether the content goes on.
        long? hint = options.ExpectedLength ?? (content.CanSeek ? Math.Max(0, content.Length - content.Position) : null);
        byte[] first = new byte[hint is { } small && small < InlineSaveLimit ? (int)small + 1 : InlineSaveLimit + 1];
        int filled = await exact.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, cancellationToken);
        if (filled == first.Length && first.Length <= InlineSaveLimit)
        {
            // Longer than its hint said (the exact-length check reports a stated length that was wrong).
            Array.Resize(ref first, InlineSaveLimit + 1);
            filled += await exact.ReadAtLeastAsync(first.AsMemory(filled), first.Length - filled, throwOnEndOfStream: false, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (filled <= InlineSaveLimit)
        {
            return new PendingContent(null, filled == first.Length ? first : first[..filled]);
        }

        if (Module.Runtime is not IJSInProcessRuntime)
        {
            return new PendingContent(await SendUploadAsync(key, first, exact, cancellationToken), null);
        }

        // The page pulls the content (WebAssembly: chunk by chunk into a JS ReadableStream). A failure of the
        // caller's stream (or a cancellation) ends the stream early; the source keeps the real exception, which
        // is what the caller is told, and the upload is dropped.
        await using var source = new UploadSource(first, exact, cancellationToken);
        using var reference = new DotNetStreamReference(source, leaveOpen: true);
        int upload;
        try
        {
            upload = await Module.CallAsync<int>("receiveUpload", StorageOperation.Save, key, cancellationToken, reference);
        }
        catch (Exception) when (source.Failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }

        if (source.Failure is { } late)
        {
            await AbortUploadAsync(upload);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(late);
        }

        return new PendingContent(upload, null);
    }

    /// <summary>How much of a large save one <c>appendUpload</c> call carries in Blazor Server.</summary>
    internal const int ServerUploadChunk = 512 * 1024;

    /// <summary>Blazor Server: opens an upload in the page and sends the content to it chunk by chunk.</summary>
    private async ValueTask<int> SendUploadAsync(string key, byte[] first, Stream rest, CancellationToken cancellationToken)
    {
        int upload = await Module.CallAsync<int>("beginUpload", StorageOperation.Save, key, cancellationToken);
        try
        {
            byte[] chunk = new byte[ServerUploadChunk];
            first.CopyTo(chunk, 0);
            int filled = first.Length;
            while (true)
            {
                filled += await rest.ReadAtLeastAsync(chunk.AsMemory(filled), chunk.Length - filled, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0)
                {
                    return upload;
                }

                // The runtime has sent a call's byte arrays once the call is answered, so the buffer is reused.
                await Module.CallAsync<bool>("appendUpload", StorageOperation.Save, key, cancellationToken, upload, filled == chunk.Length ? chunk : chunk[..filled]);
                if (filled < chunk.Length)
                {
                    return upload;
                }

                filled = 0;
            }
        }
        catch
        {
            await AbortUploadAsync(upload);
            throw;
        }
    }

    /// <summary>A save's content on its way to the page: inline bytes, or the id of an upload the page holds.</summary>
    private protected readonly record struct PendingContent(int? Upload, byte[]? Inline);

    private async ValueTask AbortUploadAsync(int upload)
    {
        try
        {
            await Module.InvokeAsync<JsResult<bool>>("abortUpload", StorageOperation.Save, null, CancellationToken.None, upload);
        }
        catch (StorageException)
        {
            // The page is gone: so is the upload.
        }
    }

    /// <summary>Turns an opened object into the contract's read result.</summary>
    private protected static async ValueTask<StorageReadResult> ToReadResultAsync(JsOpened opened, CancellationToken cancellationToken)
    {
        var item = opened.Item.ToItem();
        if (opened.NotModified)
        {
            return StorageReadResult.ForNotModified(item);
        }

        if (opened.Stream is { } reference)
        {
            var stream = await reference.OpenReadStreamAsync(Math.Max(opened.Length, 1), cancellationToken);
            return new StorageReadResult(item, new OwningStream(stream, reference));
        }

        return new StorageReadResult(item, new MemoryStream(opened.Inline ?? [], writable: false));
    }

    /// <summary>Lists page by page: each page starts after the last entry of the one before.</summary>
    private protected static async IAsyncEnumerable<StorageEntry> ListPagesAsync(
        Func<string?, int, CancellationToken, ValueTask<JsListPage>> readPage, ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = options.StartAfter;
        int pageSize = options.PageSize ?? DefaultPageSize;
        while (true)
        {
            var page = await readPage(after, pageSize, cancellationToken);
            foreach (var entry in page.Entries)
            {
                var converted = entry.ToEntry();
                after = converted.Key;
                yield return converted;
            }

            if (!page.More || page.Entries.Count == 0)
            {
                yield break;
            }
        }
    }

    /// <summary>The module's code of a write condition: 0 none, 1 if-not-exists, 2 if-match.</summary>
    private protected static int ConditionCode(WriteCondition condition) => condition.Kind switch
    {
        WriteConditionKind.IfNotExists => 1,
        WriteConditionKind.IfMatch => 2,
        _ => 0,
    };

    /// <summary>The error of a refused condition, from the module's <c>Conflict</c> answer.</summary>
    private protected StorageException Conflict(string key, WriteCondition condition, string operation) =>
        condition.ToConflict(key, EngineType, operation);

    /// <summary>Calls a mutating function; maps <c>Conflict</c> with the condition, every other error by name.</summary>
    private protected async ValueTask<T> MutateAsync<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(BrowserModule.JsonSerialized)] T>(string function, string operation, string key, WriteCondition condition, params object?[] args)
    {
        // Mutations are not cancelled once sent: the page would finish them anyway, and the caller
        // must not be told "cancelled" about a write that happened.
        var result = await Module.InvokeAsync<JsResult<T>>(function, operation, key, CancellationToken.None, args);
        if (result.Error == "Conflict")
        {
            throw Conflict(key, condition, operation);
        }

        if (result.Error is { } error)
        {
            throw BrowserErrors.ToException(error, result.Message, EngineType, operation, key);
        }

        return result.Value!;
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        await _disposing.CancelAsync();
        await CloseAsync();
        await Module.DisposeAsync();
        _disposing.Dispose();
        await base.DisposeCoreAsync();
    }

    /// <summary>Releases what the engine holds in the page (a database connection); called once, on disposal.</summary>
    private protected virtual ValueTask CloseAsync() => ValueTask.CompletedTask;

    /// <summary>A stream over a JS stream reference that disposes the reference with itself.</summary>
    /// <remarks>
    /// Not plugins/Shared/ResponseStream: that one owns an <see cref="HttpResponseMessage"/> and releases it
    /// synchronously; this owns an interop reference whose release is an async call that may meet a gone circuit.
    /// </remarks>
    private sealed class OwningStream(Stream inner, IJSStreamReference reference) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            try
            {
                await reference.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The page is gone, and the reference with it.
            }

            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _ = reference.DisposeAsync().AsTask().ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// What a large save streams to the page: the first chunk already read, then the rest of the caller's
    /// content. It never throws into the JS runtime: Blazor Server reads it on the circuit's dispatcher and treats
    /// an exception there as the circuit's unhandled exception, which closes the circuit. The first failure (the
    /// caller's stream failing, a wrong length, the save cancelled) is kept and the stream simply ends; the save
    /// checks <see cref="Failure"/> after the page has read it, drops the upload and throws that failure.
    /// </summary>
    private sealed class UploadSource(byte[] first, Stream rest, CancellationToken cancellationToken) : ReadOnlyStream
    {
        private int _firstOffset;

        public Exception? Failure { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            if (Failure is not null)
            {
                return 0;
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return TakeFirst(buffer) is var count and > 0 ? count : rest.Read(buffer);
            }
#pragma warning disable CA1031 // Kept and thrown by the save once the page has read the stream (see the summary).
            catch (Exception e)
#pragma warning restore CA1031
            {
                Failure = e;
                return 0;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken readCancellation = default)
        {
            if (Failure is not null)
            {
                return 0;
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return TakeFirst(buffer.Span) is var count and > 0 ? count : await rest.ReadAsync(buffer, cancellationToken);
            }
#pragma warning disable CA1031 // Kept and thrown by the save once the page has read the stream (see the summary).
            catch (Exception e)
#pragma warning restore CA1031
            {
                Failure = e;
                return 0;
            }
        }

        private int TakeFirst(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, first.Length - _firstOffset);
            first.AsSpan(_firstOffset, count).CopyTo(buffer);
            _firstOffset += count;
            return count;
        }
    }
}
