using Atomiton.Storage.Plugins.Browser.Interop;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.LocalStorage;

/// <summary>
/// The <c>localstorage</c> engine: objects as strings in the browser's <c>localStorage</c>, reached through
/// <see cref="IJSRuntime"/>. One item per object (a JSON header line, then the content in base64), so every
/// write is all or nothing and a full store (<c>QuotaExceededError</c>) is QuotaExceeded with earlier objects
/// intact. Each call runs without yielding in the page, so conditions are atomic within the page; localStorage
/// offers no transaction across tabs (use <c>indexeddb</c> where tabs race). Small declared limits, no change feed.
/// </summary>
public sealed class LocalStorageEngine : BrowserEngine
{
    /// <summary>The engine's type name, as in plugins.json.</summary>
    public const string TypeName = "localstorage";

    private readonly LocalStorageOptions _options;
    private readonly string _namespace;

    /// <summary>Creates the engine over the page's localStorage.</summary>
    /// <param name="runtime">The page's (in Blazor Server, the circuit's) JS runtime.</param>
    /// <param name="options">The namespace and limits.</param>
    /// <param name="timeProvider">The clock for Created and Updated.</param>
    /// <param name="transport">Blazor Server: the HTTP transport large content takes beside the circuit (Atomiton.Storage.Plugins.Browser.Server); null sends it through the circuit.</param>
    public LocalStorageEngine(IJSRuntime runtime, LocalStorageOptions options, TimeProvider? timeProvider = null, IBrowserContentTransport? transport = null)
        : base(runtime, TypeName, timeProvider ?? TimeProvider.System, transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _namespace = "atomiton:" + options.Namespace + ":";
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities =>
        StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.List | StorageCapabilities.OrderedList
        | StorageCapabilities.RecursiveList | StorageCapabilities.ShallowList | StorageCapabilities.Delete | StorageCapabilities.RangeRead
        | StorageCapabilities.CreateOnly | StorageCapabilities.ConditionalWrite | StorageCapabilities.ConditionalRead
        | StorageCapabilities.UserMetadata | StorageCapabilities.ContentType | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove
        | StorageCapabilities.Persistent | StorageCapabilities.Quota;

    /// <summary>Checks that the page offers localStorage and lets this origin write to it (AccessDenied otherwise).</summary>
    public async ValueTask ProbeAsync(CancellationToken cancellationToken = default) =>
        await Module.CallAsync<bool>("lsProbe", "open", null, cancellationToken, _namespace);

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        if (options.ExpectedLength is { } expected && expected > _options.MaxObjectSize)
        {
            throw TooLarge(key, expected);
        }

        var pending = await UploadAsync(key, new LimitedStream(content, _options.MaxObjectSize, () => TooLarge(key, null)), options, cancellationToken);
        var item = await MutateAsync<JsItem>("lsSave", StorageOperation.Save, key, options.Condition,
            _namespace, pending.Upload, pending.Inline, key, ConditionCode(options.Condition), options.Condition.ETag, options.ContentType,
            options.Metadata ?? StorageItem.EmptyMetadata, JsItem.Ticks(Time.GetUtcNow()));
        return item.ToItem();
    }

    private StorageException TooLarge(string key, long? size) =>
        new(StorageErrorCode.ObjectTooLarge,
            $"'{key}' is {(size is { } s ? $"{s} bytes" : "larger than the limit")}; the localstorage engine stores at most {_options.MaxObjectSize} bytes per object (MaxObjectSize). Use the indexeddb engine for large objects.")
        { Provider = TypeName, Operation = StorageOperation.Save, Key = key };

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var range = JsRange.From(options.Range);
        return await OpenThroughAsync("lsOpen", key, postTo => [_namespace, key, options.IfNoneMatch, range, InlineLoadLimit, postTo], cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        (await Module.CallAsync<JsItem>("lsStat", StorageOperation.Stat, key, cancellationToken, _namespace, key)).ToItem();

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        var condition = options.IfMatch is { } etag ? WriteCondition.IfMatch(etag) : WriteCondition.None;
        return await MutateAsync<bool>("lsDelete", StorageOperation.Delete, key, condition, _namespace, key, options.IfMatch);
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        TransferAsync(sourceKey, destinationKey, move: false, condition, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        TransferAsync(sourceKey, destinationKey, move: true, condition, cancellationToken);

    private async ValueTask<StorageItem> TransferAsync(string sourceKey, string destinationKey, bool move, WriteCondition condition, CancellationToken cancellationToken)
    {
        string operation = move ? StorageOperation.Move : StorageOperation.Copy;
        cancellationToken.ThrowIfCancellationRequested();
        var result = await Module.InvokeAsync<JsResult<JsItem>>("lsTransfer", operation, sourceKey, CancellationToken.None,
            _namespace, sourceKey, destinationKey, move, ConditionCode(condition), condition.ETag, JsItem.Ticks(Time.GetUtcNow()));
        return result.Error switch
        {
            null => result.Value!.ToItem(),
            "Conflict" => throw Conflict(destinationKey, condition, operation),
            "NotFound" => throw StorageException.NotFound(sourceKey, TypeName, operation),
            _ => throw BrowserErrors.ToException(result.Error, result.Message, TypeName, operation, destinationKey),
        };
    }

    /// <inheritdoc />
    protected override IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken) =>
        ListPagesAsync((after, limit, token) => Module.CallAsync<JsListPage>("lsList", StorageOperation.List, options.Prefix, token,
            _namespace, options.Prefix, after, limit, !options.Recursive, options.KeysOnly, PageByteBudget), options, cancellationToken);

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var usage = await Module.CallAsync<JsLocalUsage>("lsUsage", StorageOperation.Info, null, cancellationToken, _namespace);
        return new StorageInfo
        {
            EngineType = TypeName,
            Platform = "browser",
            IsConnected = true,
            Capabilities = Capabilities,
            Traits = Traits,
            KeyRules = KeyRules,
            Limits = new StorageLimits
            {
                MaxObjectSize = _options.MaxObjectSize,
                QuotaUsed = usage.Characters * 2,
                QuotaTotal = _options.CapacityCharacters * 2,
            },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["namespace"] = _options.Namespace,
                ["encoding"] = "base64 in UTF-16 strings (8 bytes of storage per 3 bytes of content)",
            },
        };
    }

    /// <summary>Passes a save's content through, failing with ObjectTooLarge as soon as it passes the limit.</summary>
    private sealed class LimitedStream(Stream inner, long limit, Func<StorageException> tooLarge) : Stream
    {
        private long _read;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw tooLarge() : read;
        }
    }
}
