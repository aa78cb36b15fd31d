using System.Runtime.CompilerServices;
using Atomiton.Storage.IO;
using Atomiton.Storage.Plugins.Browser.Interop;
using Atomiton.Storage.Plugins.Browser.Transfers;
using Atomiton.Storage.Plugins.Shared;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser;

/// <summary>
/// What the two browser engines share: a save's content goes to the page inline in the commit call when it
/// is small, and in chunks when it is larger (the module assembles them and commits them in one call, so a
/// failed or cancelled save writes nothing); a load comes back inline when small and as an
/// <see cref="IJSStreamReference"/> when large (the indexeddb engine in WebAssembly: through a reader read one
/// chunk per [JSImport] call). Either way .NET holds at most two chunks of a large object, and no
/// browser-to-server message comes near Blazor Server's 32 KB cap. Listings come in pages bounded by count and bytes.
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

    private readonly IBrowserContentTransport? _transport;
    private volatile bool _transportUnreachable;

    private protected BrowserEngine(IJSRuntime runtime, string engineType, TimeProvider timeProvider, IBrowserContentTransport? transport)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Module = new BrowserModule(runtime, engineType);
        Time = timeProvider ?? TimeProvider.System;
        _transport = transport;
    }

    /// <summary>
    /// The HTTP transport large content takes in Blazor Server, or null: none was given, the page could not reach
    /// it once already, or the engine runs in WebAssembly (where .NET and the page share one process).
    /// </summary>
    private protected IBrowserContentTransport? Transport =>
        _transport is not null && !_transportUnreachable && Module.Runtime is not IJSInProcessRuntime ? _transport : null;

    /// <summary>Whether large content moves over the HTTP transport rather than the circuit (false once the page could not reach it).</summary>
    public bool UsesHttpTransport => Transport is not null;

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
    /// call; larger content goes in chunks of <see cref="UploadChunk"/>, all but the last appended to an upload in
    /// the page (<c>appendUpload</c> through IJSRuntime; in WebAssembly <c>uploadPart</c> through [JSImport], a
    /// synchronous copy from .NET memory), the last travelling in the commit call, so a save of up to two chunks is
    /// at most two calls. Server-to-browser messages have no 32 KB cap (browser-to-server ones do). .NET holds at
    /// most two chunks: the one being sent and the next, read ahead to know whether the one being sent is the last.
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

        if (Transport is { } transport && await FetchUploadAsync(transport, key, first, exact, options.ExpectedLength, cancellationToken) is { } fetched)
        {
            return fetched;
        }

        return await SendChunksAsync(key, first, exact, cancellationToken);
    }

    /// <summary>
    /// Blazor Server with an HTTP transport: the content is offered at a one-time address and the page fetches it
    /// into an upload in one request (<c>fetchUpload</c>), so only two calls cross the circuit. Null when the page
    /// could not reach the address and never claimed the content: the caller then sends it through the circuit.
    /// </summary>
    private async ValueTask<PendingContent?> FetchUploadAsync(IBrowserContentTransport transport, string key, byte[] first, Stream rest, long? length, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var content = new PrefixedStream(first, rest);
        using var offer = transport.Offer(content, length);

        // Not cancelled once sent: the page answers with the upload it made, which is released unless committed.
        var answer = await Module.InvokeAsync<JsResult<int>>("fetchUpload", StorageOperation.Save, key, CancellationToken.None, offer.Address);
        if (answer.Error is null)
        {
            try
            {
                await offer.Completion.WaitAsync(BrowserModule.CallGuard, CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch
            {
                await AbortUploadAsync(answer.Value);
                throw;
            }

            return new PendingContent(answer.Value, null);
        }

        if (!offer.Claimed)
        {
            _transportUnreachable = true;
            transport.ReportUnreachable($"a save's fetch failed: {answer.Message}");
            return null;
        }

        // The page had the address and the content failed on the way: the content's own error (a stated length that
        // was wrong, the caller's stream), else the connection's.
        Exception? cause = null;
        try
        {
            await offer.Completion.WaitAsync(BrowserModule.CallGuard, CancellationToken.None);
        }
        catch (Exception e)
        {
            content.SourceError?.Throw();
            cause = e;
        }

        throw new StorageException(StorageErrorCode.NetworkError, $"The page could not fetch the content of '{key}' over HTTP ({answer.Message}); nothing was written. Save again.", cause)
        { Provider = EngineType, Operation = StorageOperation.Save, Key = key, IsTransient = true };
    }

    /// <summary>
    /// Opens an object through <paramref name="function"/> (<c>idbOpen</c> or <c>lsOpen</c>, whose last argument is
    /// the address to post large content to): in Blazor Server with an HTTP transport the page posts content above
    /// the inline limit to a one-time address and the engine reads the request's body; otherwise small content comes
    /// inline and large content as a JS stream reference through the circuit.
    /// </summary>
    private protected async ValueTask<StorageReadResult> OpenThroughAsync(string function, string key, Func<string?, object?[]> arguments, CancellationToken cancellationToken)
    {
        if (Transport is { } transport)
        {
            using var expectation = transport.Expect();
            var opened = await Module.CallAsync<JsOpened>(function, StorageOperation.Load, key, cancellationToken, arguments(expectation.Address));
            if (opened.Posted is not { } ticket)
            {
                return await ToReadResultAsync(opened, cancellationToken);
            }

            // The page answers the outcome of its request once the request is over: after the reader is done when
            // it arrived, at once when it could not reach the address.
            var outcome = Module.InvokeAsync<JsResult<bool>>("transferOutcome", StorageOperation.Load, key, CancellationToken.None, ticket).AsTask();
            try
            {
                await Task.WhenAny(expectation.Arrival, outcome).WaitAsync(BrowserModule.CallGuard, cancellationToken);
            }
            catch
            {
                Observe(outcome);
                throw;
            }

            if (expectation.Arrival.IsCompletedSuccessfully)
            {
                Observe(outcome);
                var body = expectation.TakeBody();
                return new StorageReadResult(opened.Item.ToItem(), new PostedContentStream(body, opened.Length, EngineType, key));
            }

            var failure = await outcome;
            _transportUnreachable = true;
            transport.ReportUnreachable($"a load's post failed: {failure.Message ?? "no answer"}");
        }

        return await ToReadResultAsync(await Module.CallAsync<JsOpened>(function, StorageOperation.Load, key, cancellationToken, arguments(null)), cancellationToken);
    }

    private static void Observe(Task task) => _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>How much of a large save one upload call carries.</summary>
    internal const int UploadChunk = 512 * 1024;

    private async ValueTask<PendingContent> SendChunksAsync(string key, byte[] first, Stream rest, CancellationToken cancellationToken)
    {
        bool imported = OperatingSystem.IsBrowser() && await Module.ImportedAsync(StorageOperation.Save, cancellationToken);
        int upload = 0;
        try
        {
            byte[] chunk = new byte[UploadChunk];
            first.CopyTo(chunk, 0);
            int filled = first.Length + await rest.ReadAtLeastAsync(chunk.AsMemory(first.Length), chunk.Length - first.Length, throwOnEndOfStream: false, cancellationToken);
            byte[]? next = null;
            while (filled == chunk.Length)
            {
                next ??= new byte[UploadChunk];
                int ahead = await rest.ReadAtLeastAsync(next, next.Length, throwOnEndOfStream: false, cancellationToken);
                if (ahead == 0)
                {
                    break;
                }

                // The runtime has sent a call's byte arrays once the call is answered (IJSRuntime), or copied them
                // before returning (uploadPart), so the buffer is reused.
                upload = imported && OperatingSystem.IsBrowser()
                    ? ImportedModule.UploadPart(upload, chunk)
                    : await Module.CallAsync<int>("appendUpload", StorageOperation.Save, key, cancellationToken, upload, chunk);
                if (upload == 0)
                {
                    throw new StorageException(StorageErrorCode.Unknown, $"The page dropped the upload of '{key}' while it was being sent; save again.")
                    { Provider = EngineType, Operation = StorageOperation.Save, Key = key, IsTransient = true };
                }

                (chunk, next) = (next, chunk);
                filled = ahead;
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new PendingContent(upload == 0 ? null : upload, filled == chunk.Length ? chunk : chunk[..filled]);
        }
        catch
        {
            if (upload != 0)
            {
                await AbortUploadAsync(upload);
            }

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
}
