using System.Runtime.CompilerServices;
using Atomiton.Storage.Plugins.Browser.Interop;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser;

/// <summary>
/// What the two browser engines share: content moves to the page in chunks (an upload the module
/// assembles and commits in one call, so a failed or cancelled save writes nothing), comes back inline
/// when small and as an <see cref="IJSStreamReference"/> when large (bounded memory in .NET, and no
/// interop message near Blazor Server's 32 KB cap), and listings come in pages bounded by count and bytes.
/// </summary>
public abstract class BrowserEngine : StorageEngine
{
    /// <summary>How many bytes one chunk of a save carries to the page (below the large object heap's threshold).</summary>
    public const int UploadChunkSize = 64 * 1024;

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
    /// Reads a save's content (exact length checked) and hands it to the page: content that fits in one chunk
    /// comes back as <see cref="PendingContent.Inline"/> and travels in the commit call itself (one round trip);
    /// larger content goes as an upload, chunk by chunk, and <see cref="PendingContent.Upload"/> names it.
    /// </summary>
    private protected async ValueTask<PendingContent> UploadAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        await using var exact = new ExactLengthStream(content, key, options.ExpectedLength, provider: EngineType);
        byte[] first = await ReadChunkAsync(exact, cancellationToken);
        if (first.Length < UploadChunkSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new PendingContent(null, first);
        }

        int upload = await Module.InvokeAsync<int>("beginUpload", StorageOperation.Save, key, cancellationToken);
        try
        {
            byte[] chunk = first;
            while (chunk.Length > 0)
            {
                await Module.CallAsync<bool>("putChunk", StorageOperation.Save, key, cancellationToken, upload, chunk);
                if (chunk.Length < UploadChunkSize)
                {
                    break;
                }

                chunk = await ReadChunkAsync(exact, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new PendingContent(upload, null);
        }
        catch
        {
            await AbortUploadAsync(upload);
            throw;
        }
    }

    /// <summary>Reads up to one chunk into a fresh array (the runtime may still be sending the previous one).</summary>
    private static async ValueTask<byte[]> ReadChunkAsync(Stream source, CancellationToken cancellationToken)
    {
        byte[] chunk = new byte[UploadChunkSize];
        int filled = 0;
        while (filled < chunk.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read = await source.ReadAsync(chunk.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled == chunk.Length ? chunk : chunk[..filled];
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
    private sealed class OwningStream(Stream inner, IJSStreamReference reference) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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
