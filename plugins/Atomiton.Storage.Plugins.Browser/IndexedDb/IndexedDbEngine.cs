using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Atomiton.Storage.Plugins.Browser.Interop;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.IndexedDb;

/// <summary>
/// The <c>indexeddb</c> engine: objects in the browser's IndexedDB, reached through <see cref="IJSRuntime"/>.
/// One database per configured name and version; object metadata and content (as Blobs) in two object
/// stores, and a change journal written in the same transaction as each write. Conditions are checked and
/// applied inside that one transaction, so two tabs can never both win a create-only save. Listings walk
/// the primary key with cursors and key ranges, one bounded page per call. Other tabs' writes wake
/// <see cref="IStorageEngine.WaitForChangesAsync"/> through a <c>BroadcastChannel</c>.
/// Thread-safe; in Blazor Server it belongs to one circuit (its <see cref="IJSRuntime"/>).
/// </summary>
public sealed class IndexedDbEngine : BrowserEngine
{
    /// <summary>The engine's type name, as in plugins.json.</summary>
    public const string TypeName = "indexeddb";

    private const string CursorPrefix = "idb1";
    private readonly IndexedDbOptions _options;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private int? _handle;

    /// <summary>Creates the engine; the database opens on first use (see <see cref="OpenAsync"/> to open it now).</summary>
    /// <param name="runtime">The page's (in Blazor Server, the circuit's) JS runtime.</param>
    /// <param name="options">The database name, version and journal retention.</param>
    /// <param name="timeProvider">The clock for Created and Updated.</param>
    /// <param name="transport">Blazor Server: the HTTP transport large content takes beside the circuit (Atomiton.Storage.Plugins.Browser.Server); null sends it through the circuit.</param>
    public IndexedDbEngine(IJSRuntime runtime, IndexedDbOptions options, TimeProvider? timeProvider = null, IBrowserContentTransport? transport = null)
        : base(runtime, TypeName, timeProvider ?? TimeProvider.System, transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities =>
        StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.List | StorageCapabilities.OrderedList
        | StorageCapabilities.RecursiveList | StorageCapabilities.ShallowList | StorageCapabilities.Delete | StorageCapabilities.RangeRead
        | StorageCapabilities.CreateOnly | StorageCapabilities.ConditionalWrite | StorageCapabilities.ConditionalRead
        | StorageCapabilities.UserMetadata | StorageCapabilities.ContentType | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove
        | StorageCapabilities.Persistent | StorageCapabilities.Quota | StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait;

    /// <summary>The database name.</summary>
    public string DatabaseName => _options.DatabaseName;

    /// <summary>
    /// Opens the database now (it otherwise opens on first use). Fails with AccessDenied when the page
    /// has no IndexedDB (private windows, some embedded views), InvalidConfiguration when the database
    /// exists at a newer version, and a transient error when another tab blocks the upgrade.
    /// </summary>
    public async ValueTask OpenAsync(CancellationToken cancellationToken = default) => await HandleAsync("open", cancellationToken);

    private async ValueTask<int> HandleAsync(string operation, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (_handle is { } ready)
        {
            return ready;
        }

        await _opening.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            if (_handle is null)
            {
                string channel = "atomiton-storage:" + _options.DatabaseName;
                try
                {
                    _handle = await Module.CallAsync<int>("openIndexedDb", operation, null, cancellationToken, _options.DatabaseName, _options.Version, channel);
                }
                catch (StorageException e) when (e.Code is StorageErrorCode.InvalidConfiguration or StorageErrorCode.Unknown)
                {
                    throw new StorageException(e.Code, $"IndexedDB database '{_options.DatabaseName}' (version {_options.Version}): {e.Message}", e)
                    { Provider = TypeName, Operation = operation, IsTransient = e.IsTransient };
                }
            }

            return _handle.Value;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        int handle = await HandleAsync(StorageOperation.Save, cancellationToken);
        var pending = await UploadAsync(key, content, options, cancellationToken);
        if (OperatingSystem.IsBrowser() && await Module.ImportedAsync(StorageOperation.Save, cancellationToken))
        {
            return await SaveImportedAsync(handle, key, pending, options);
        }

        var item = await MutateAsync<JsItem>("idbSave", StorageOperation.Save, key, options.Condition,
            handle, pending.Upload, pending.Inline, key, ConditionCode(options.Condition), options.Condition.ETag, options.ContentType,
            options.Metadata is { Count: > 0 } metadata ? metadata : null, JsItem.Ticks(Time.GetUtcNow()), _options.ChangeRetentionEntries);
        return item.ToItem();
    }

    /// <summary>The commit through [JSImport] (WebAssembly); like <c>MutateAsync</c>, not cancelled once sent.</summary>
    [SupportedOSPlatform("browser")]
    private async ValueTask<StorageItem> SaveImportedAsync(int handle, string key, PendingContent pending, SaveOptions options)
    {
        using var answer = await ImportedModule.IdbSave(handle, pending.Upload ?? 0, pending.Inline, key, ConditionCode(options.Condition),
            options.Condition.ETag, options.ContentType, ImportedModule.MetadataJson(options.Metadata), JsItem.Ticks(Time.GetUtcNow()), _options.ChangeRetentionEntries);
        return ImportedModule.Error(answer) switch
        {
            null => ImportedModule.Item(answer).ToItem(),
            "Conflict" => throw Conflict(key, options.Condition, StorageOperation.Save),
            var error => throw BrowserErrors.ToException(error, answer.GetPropertyAsString("m"), TypeName, StorageOperation.Save, key),
        };
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        int handle = await HandleAsync(StorageOperation.Load, cancellationToken);
        if (OperatingSystem.IsBrowser() && await Module.ImportedAsync(StorageOperation.Load, cancellationToken))
        {
            return await OpenImportedAsync(handle, key, options, cancellationToken);
        }

        var range = JsRange.From(options.Range);
        return await OpenThroughAsync("idbOpen", key, postTo => [handle, key, options.IfNoneMatch, range, InlineLoadLimit, postTo], cancellationToken);
    }

    /// <summary>
    /// A load through [JSImport] (WebAssembly): content up to <see cref="ImportedInlineLoadLimit"/> comes back in the
    /// answer, larger content through a reader read a chunk at a time (<see cref="ImportedReadStream"/>).
    /// </summary>
    [SupportedOSPlatform("browser")]
    private static async ValueTask<StorageReadResult> OpenImportedAsync(int handle, string key, ReadOptions options, CancellationToken cancellationToken)
    {
        using var answer = await ImportedModule.IdbOpen(handle, key, options.IfNoneMatch, ImportedModule.RangeJson(options.Range), ImportedInlineLoadLimit);
        if (ImportedModule.Error(answer) is { } error)
        {
            throw BrowserErrors.ToException(error, answer.GetPropertyAsString("m"), TypeName, StorageOperation.Load, key);
        }

        var item = ImportedModule.Item(answer).ToItem();
        if (answer.GetPropertyAsBoolean("nm"))
        {
            return StorageReadResult.ForNotModified(item);
        }

        int reader = answer.GetPropertyAsInt32("r");
        if (reader != 0)
        {
            var stream = new ImportedReadStream(reader, (long)answer.GetPropertyAsDouble("n"), TypeName, key);
            if (cancellationToken.IsCancellationRequested)
            {
                await stream.DisposeAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return new StorageReadResult(item, stream);
        }

        return new StorageReadResult(item, new MemoryStream(answer.GetPropertyAsByteArray("d") ?? [], writable: false));
    }

    /// <summary>
    /// WebAssembly loads through [JSImport] up to this size come back in the call's answer (no 32 KB message cap
    /// there); larger ones through a reader, one chunk per call.
    /// </summary>
    internal const int ImportedInlineLoadLimit = 64 * 1024;

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        int handle = await HandleAsync(StorageOperation.Stat, cancellationToken);
        return (await Module.CallAsync<JsItem>("idbStat", StorageOperation.Stat, key, cancellationToken, handle, key)).ToItem();
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        int handle = await HandleAsync(StorageOperation.Delete, cancellationToken);
        var condition = options.IfMatch is { } etag ? WriteCondition.IfMatch(etag) : WriteCondition.None;
        return await MutateAsync<bool>("idbDelete", StorageOperation.Delete, key, condition, handle, key, options.IfMatch, _options.ChangeRetentionEntries);
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
        int handle = await HandleAsync(operation, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var result = await Module.InvokeAsync<JsResult<JsItem>>("idbTransfer", operation, sourceKey, CancellationToken.None,
            handle, sourceKey, destinationKey, move, ConditionCode(condition), condition.ETag, JsItem.Ticks(Time.GetUtcNow()), _options.ChangeRetentionEntries);
        return result.Error switch
        {
            null => result.Value!.ToItem(),
            "Conflict" => throw Conflict(destinationKey, condition, operation),
            "NotFound" => throw StorageException.NotFound(sourceKey, TypeName, operation),
            _ => throw BrowserErrors.ToException(result.Error, result.Message, TypeName, operation, sourceKey),
        };
    }

    /// <inheritdoc />
    protected override IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken) =>
        ListPagesAsync(async (after, limit, token) =>
        {
            int handle = await HandleAsync(StorageOperation.List, token);
            if (OperatingSystem.IsBrowser() && await Module.ImportedAsync(StorageOperation.List, token))
            {
                return await ListImportedAsync(handle, options, after, limit, token);
            }

            return await Module.CallAsync<JsListPage>("idbList", StorageOperation.List, options.Prefix, token,
                handle, options.Prefix, after, limit, !options.Recursive, options.KeysOnly, PageByteBudget);
        }, options, cancellationToken);

    /// <summary>
    /// A listing page through [JSImport] (WebAssembly): the page answers a flat array of strings that .NET walks
    /// without JSON (<see cref="JsListPage.FromFlat"/>), bounded by the page size alone, as no 32 KB message cap
    /// applies in the page's own process. Through IJSRuntime, 10,000 full entries took 7 s there, most of it
    /// System.Text.Json in the interpreter (docs/benchmarks.md).
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("browser")]
    private static async ValueTask<JsListPage> ListImportedAsync(int handle, ListOptions options, string? after, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var array = await ImportedModule.IdbList(handle, options.Prefix, after, limit, !options.Recursive, options.KeysOnly);
        var (page, error, message) = JsListPage.FromFlat(ImportedModule.StringsOf(array), options.Prefix);
        return page ?? throw BrowserErrors.ToException(error!, message, TypeName, StorageOperation.List, options.Prefix);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        await HandleAsync(StorageOperation.Info, cancellationToken);
        var estimate = await Module.CallAsync<JsEstimate>("storageEstimate", StorageOperation.Info, null, cancellationToken, _options.Persist);
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
                QuotaUsed = estimate.Usage,
                QuotaTotal = estimate.Quota,
                ChangeRetention = null,
            },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["database"] = _options.DatabaseName,
                ["version"] = _options.Version.ToString(CultureInfo.InvariantCulture),
                ["persisted"] = estimate.Persisted ? "true" : "false",
                ["changeRetentionEntries"] = _options.ChangeRetentionEntries.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    /// <inheritdoc />
    protected override async ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        int handle = await HandleAsync(StorageOperation.ChangeCursor, cancellationToken);
        var state = await Module.CallAsync<JsChangeState>("idbChangeState", StorageOperation.ChangeCursor, prefix, cancellationToken, handle);
        return FormatCursor(state.Epoch, state.Last, prefix);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var (epoch, after, prefix) = ParseCursor(cursor, StorageOperation.ReadChanges);
        int handle = await HandleAsync(StorageOperation.ReadChanges, cancellationToken);
        var page = await Module.CallAsync<JsChangePage>("idbChanges", StorageOperation.ReadChanges, prefix, cancellationToken,
            handle, after, prefix, options.PageSize ?? 1000, 5000, PageByteBudget);
        CheckCursor(epoch, after, page.Epoch, page.Trimmed, StorageOperation.ReadChanges);
        return new StorageChangePage
        {
            Changes = [.. page.Changes.Select(c => c.ToChange())],
            Cursor = FormatCursor(page.Epoch, page.Cursor, prefix),
            HasMore = page.More,
        };
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (epoch, after, prefix) = ParseCursor(cursor, StorageOperation.WaitForChanges);
        int handle = await HandleAsync(StorageOperation.WaitForChanges, cancellationToken);
        var state = await Module.CallAsync<JsChangeState>("idbChangeState", StorageOperation.WaitForChanges, prefix, cancellationToken, handle);
        CheckCursor(epoch, after, state.Epoch, state.Trimmed, StorageOperation.WaitForChanges);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Disposing);
        try
        {
            double milliseconds = Math.Min(Math.Ceiling(timeout.TotalMilliseconds), int.MaxValue);
            bool changed = await Module.CallAsync<bool>("idbWait", StorageOperation.WaitForChanges, prefix, linked.Token, handle, after, prefix, milliseconds);
            if (changed)
            {
                // Woken by a trim: say so as a read would.
                var latest = await Module.CallAsync<JsChangeState>("idbChangeState", StorageOperation.WaitForChanges, prefix, cancellationToken, handle);
                CheckCursor(epoch, after, latest.Epoch, latest.Trimmed, StorageOperation.WaitForChanges);
            }

            return changed;
        }
        catch (OperationCanceledException) when (Disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(GetType().FullName, "The engine was disposed while waiting for changes.");
        }
        catch (StorageException) when (Disposing.IsCancellationRequested)
        {
            throw new ObjectDisposedException(GetType().FullName, "The engine was disposed while waiting for changes.");
        }
    }

    /// <inheritdoc />
    private protected override async ValueTask CloseAsync()
    {
        if (_handle is { } handle)
        {
            await Module.ReleaseAsync("closeIndexedDb", handle);
        }

        _opening.Dispose();
    }

    private static string FormatCursor(string epoch, long sequence, string prefix) =>
        string.Join('.', CursorPrefix, epoch, sequence.ToString(CultureInfo.InvariantCulture), Base64Url(prefix));

    private static (string Epoch, long After, string Prefix) ParseCursor(string cursor, string operation)
    {
        string[] parts = cursor.Split('.');
        if (parts.Length == 4 && parts[0] == CursorPrefix && parts[1].Length > 0
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long after)
            && TryFromBase64Url(parts[3], out string? prefix))
        {
            return (parts[1], after, prefix);
        }

        throw new StorageException(StorageErrorCode.InvalidArgument,
            $"'{(cursor.Length > 40 ? cursor[..40] + "…" : cursor)}' is not a change cursor of an indexeddb engine. Cursors come from GetChangeCursorAsync or from the last page ReadChangesAsync returned.")
        { Provider = TypeName, Operation = operation };
    }

    private void CheckCursor(string cursorEpoch, long after, string epoch, long trimmed, string operation)
    {
        if (!string.Equals(cursorEpoch, epoch, StringComparison.Ordinal))
        {
            throw new StorageException(StorageErrorCode.CursorExpired,
                $"The change cursor belongs to another epoch of IndexedDB database '{_options.DatabaseName}' (it was deleted and created again, or the cursor came from another database). Enumerate again from scratch and continue from a new cursor.")
            { Provider = TypeName, Operation = operation, CursorTrust = ChangeCursorTrust.Untrusted };
        }

        if (after < trimmed)
        {
            throw new StorageException(StorageErrorCode.CursorExpired,
                $"The change cursor is older than the change journal of IndexedDB database '{_options.DatabaseName}' keeps (ChangeRetentionEntries = {_options.ChangeRetentionEntries}). List the prefix again, compare, and continue from a new cursor.")
            { Provider = TypeName, Operation = operation, CursorTrust = ChangeCursorTrust.Trusted };
        }
    }

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out string value)
    {
        value = "";
        string padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        var bytes = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, bytes, out int written))
        {
            return false;
        }

        value = Encoding.UTF8.GetString(bytes, 0, written);
        return true;
    }
}
