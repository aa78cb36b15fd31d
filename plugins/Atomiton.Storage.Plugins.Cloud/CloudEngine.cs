using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Cloud.Wire;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// The <c>cloud</c> engine: every operation is a request to an Atomiton Cloud server. Objects up to
/// <see cref="CloudOptions.ChunkSize"/> go in one request; larger ones stream through a resumable
/// upload session in bounded memory. Reads stream the response body. Capabilities, traits, key
/// rules and hash algorithms are what the server's pipeline offers (asked once, at connection),
/// plus the server's own change feed; copies and moves run on the server.
/// </summary>
public sealed class CloudEngine : StorageEngine
{
    private const StorageCapabilities Supported = StorageCapabilities.Standard | StorageCapabilities.Persistent
        | StorageCapabilities.Durable | StorageCapabilities.Quota | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove
        | StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait | StorageCapabilities.ContentHashes
        | StorageCapabilities.SetLastModified;

    private readonly CloudTransport _transport;
    private readonly CloudUploader _uploader;
    private readonly CloudOptions _options;
    private WireInfo _serverInfo;

    private CloudEngine(CloudTransport transport, CloudOptions options, WireInfo serverInfo)
    {
        _transport = transport;
        _uploader = new CloudUploader(transport);
        _options = options;
        _serverInfo = serverInfo;
        Capabilities = ParseCapabilities(serverInfo.Capabilities) & Supported;
        Traits = Enum.TryParse<StorageTraits>(serverInfo.Traits ?? nameof(StorageTraits.None), out var traits) ? traits : StorageTraits.None;
        KeyRules = RulesOf(serverInfo.KeyRules);
        _hashAlgorithms = Capabilities.HasFlag(StorageCapabilities.ContentHashes) ? serverInfo.HashAlgorithms ?? [] : [];
    }

    private readonly IReadOnlyList<string> _hashAlgorithms;

    /// <summary>The server pipeline's restrictions, as its info document states them.</summary>
    public override StorageTraits Traits { get; }

    /// <summary>
    /// The server pipeline's key rules for this API key: its tenant prefix is part of every stored
    /// key, so the longest key is shorter by the prefix's bytes.
    /// </summary>
    public override StorageKeyRules KeyRules { get; }

    /// <inheritdoc />
    public override string EngineType => CloudProvider.TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities { get; }

    /// <summary>Connects to the server named in <paramref name="options"/>: one info request that also checks the key.</summary>
    /// <exception cref="StorageException">InvalidConfiguration, AuthenticationFailed, AccessDenied or NetworkError, naming the stage.</exception>
    public static ValueTask<CloudEngine> ConnectAsync(CloudOptions options, StorageProviderContext context, CancellationToken cancellationToken = default) =>
        ConnectAsync(options, context, handler: null, cancellationToken);

    /// <summary>Connects through a given HTTP handler (tests use it to cut connections at chosen moments).</summary>
    internal static async ValueTask<CloudEngine> ConnectAsync(CloudOptions options, StorageProviderContext context, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"Option 'endpoint' of stage '{context.StageName}' in pipeline '{context.PipelineName}' must be an absolute http or https URL, such as https://storage.example.com/.")
            { Provider = CloudProvider.TypeName, Operation = "create" };
        }

        if (string.IsNullOrEmpty(options.ApiKey))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"Option 'apiKey' of stage '{context.StageName}' in pipeline '{context.PipelineName}' is empty; reference the key with env:NAME or file:PATH.")
            { Provider = CloudProvider.TypeName, Operation = "create" };
        }

        var transport = new CloudTransport(options, context, handler);
        try
        {
            var info = await transport.SendJsonAsync<WireInfo>(() => new HttpRequestMessage(HttpMethod.Get, "v1/info"), null, cancellationToken);
            return new CloudEngine(transport, options, info);
        }
        catch (StorageException e)
        {
            transport.Dispose();
            throw new StorageException(e.Code, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' could not connect to {endpoint}: {e.Message}", e)
            { Provider = CloudProvider.TypeName, Operation = "create", IsTransient = e.IsTransient, RetryAfter = e.RetryAfter };
        }
        catch
        {
            transport.Dispose();
            throw;
        }
    }

    internal static StorageException LengthMismatch(string key, long actual, long expected) =>
        new(StorageErrorCode.InvalidArgument, $"The content stream for key '{key}' yielded {(actual > expected ? "more than " + expected.ToString(CultureInfo.InvariantCulture) : actual.ToString(CultureInfo.InvariantCulture))} bytes but ExpectedLength is {expected}. Nothing was written.")
        { Key = key, Provider = CloudProvider.TypeName };

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        long? lengthHint = options.ExpectedLength
            ?? (content.CanSeek ? Math.Max(0, content.Length - content.Position) : null);
        var reader = new ChunkReader(content, _options.ChunkSize, lengthHint);
        await reader.ReadNextAsync(cancellationToken);
        CloudUploader.CheckLength(key, reader, options);
        if (!reader.IsLast || reader.Chunk.Length >= _options.ChunkSize)
        {
            return await _uploader.UploadAsync(key, reader, options, cancellationToken);
        }

        if (options.ExpectedLength is { } expected && expected != reader.TotalRead)
        {
            throw LengthMismatch(key, reader.TotalRead, expected);
        }

        var body = reader.Chunk;
        var item = await _transport.SendJsonAsync<WireItem>(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, CloudKeyPath.ForObject(key)) { Content = new ReadOnlyMemoryContent(body) };
            if (options.ContentType is not null || options.Metadata is { Count: > 0 } || options.ExpectedHashes is { Count: > 0 } || options.LastModified is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Atomiton-Options", CloudJson.ToHeader(new WireSaveOptions
                {
                    ContentType = options.ContentType,
                    Metadata = options.Metadata is null ? null : new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal),
                    ExpectedHashes = options.ExpectedHashes is { Count: > 0 } hashes ? new Dictionary<string, string>(hashes, StringComparer.Ordinal) : null,
                    LastModified = options.LastModified,
                }));
            }

            AddCondition(request, options.Condition);
            return request;
        }, key, cancellationToken);
        return item.ToItem();
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        if (options.Range is { } empty && empty.Length == 0)
        {
            // HTTP cannot express an empty range; the object's existence and ETag still decide.
            var item = await StatCoreAsync(key, cancellationToken);
            return options.IfNoneMatch == item.ETag ? StorageReadResult.ForNotModified(item) : new StorageReadResult(item, new MemoryStream([], writable: false));
        }

        var response = await _transport.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, CloudKeyPath.ForObject(key));
            if (options.Range is { } range)
            {
                request.Headers.TryAddWithoutValidation("Range", RangeHeaderOf(range));
            }

            if (options.IfNoneMatch is { } etag)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", EntityTagCodec.Encode(etag));
            }

            if (options.IfMatch is { } pinned)
            {
                // The server's engine refuses another version with 412, so no other content is streamed.
                request.Headers.TryAddWithoutValidation("If-Match", EntityTagCodec.Encode(pinned));
            }

            return request;
        }, key, cancellationToken);
        try
        {
            var item = ItemOf(response, key);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                response.Dispose();
                return StorageReadResult.ForNotModified(item);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new StorageReadResult(item, new ResponseStream(stream, response));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Head, CloudKeyPath.ForObject(key)), key, cancellationToken);
        return ItemOf(response, key);
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        var result = await _transport.SendJsonAsync<DeleteResult>(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, CloudKeyPath.ForObject(key));
            if (options.IfMatch is { } etag)
            {
                request.Headers.TryAddWithoutValidation("If-Match", EntityTagCodec.Encode(etag));
            }

            return request;
        }, key, cancellationToken);
        return result.Deleted;
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? startAfter = options.StartAfter;
        string? continuationToken = null;
        if (options.ContinuationToken is { } given)
        {
            if (given.Length == 0)
            {
                throw new StorageException(StorageErrorCode.InvalidArgument, "The continuation token is empty. Pass the ContinuationToken (or, when it is null, the key) of the last entry received.")
                { Provider = EngineType, Operation = StorageOperation.List, Key = options.Prefix };
            }

            // Only here over a server listing in no key order (HandlesContinuationTokens): over one listing in key
            // order the base class turns a token into the key to start after.
            continuationToken = _serverInfo.ListingTokens == true ? given
                : throw new StorageException(StorageErrorCode.UnsupportedOperation, "This Atomiton Cloud server lists in no key order and is too old to resume a listing by continuation token. Start the listing again, or upgrade the server.")
                { Provider = EngineType, Operation = StorageOperation.List, Key = options.Prefix };
        }

        int pageSize = Math.Clamp(options.PageSize ?? 1000, 1, 1000);
        while (true)
        {
            var query = $"v1/list?prefix={Uri.EscapeDataString(options.Prefix)}&recursive={(options.Recursive ? "true" : "false")}&pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}"
                + (continuationToken is not null ? "&continuationToken=" + Uri.EscapeDataString(continuationToken)
                    : startAfter is not null ? "&startAfter=" + Uri.EscapeDataString(startAfter) : "")
                + (options.KeysOnly ? "&keysOnly=true" : "");
            var page = await _transport.SendJsonAsync<WireListPage>(() => new HttpRequestMessage(HttpMethod.Get, query), options.Prefix, cancellationToken);
            foreach (var entry in page.Entries)
            {
                var listed = entry.Item is not null ? StorageEntry.ForItem(entry.Item.ToItem())
                    : entry.Key.EndsWith(StorageKey.Separator) ? StorageEntry.ForPrefix(entry.Key)
                    : StorageEntry.ForKey(entry.Key); // an object of a keys-only listing
                yield return entry.Token is null ? listed : listed with { ContinuationToken = entry.Token };
            }

            if (page.Next is null && page.NextToken is null)
            {
                yield break;
            }

            // A page with a token (storage listing in no key order) resumes by it; older servers give next alone.
            (continuationToken, startAfter) = page.NextToken is { } token ? (token, (string?)null) : ((string?)null, page.Next);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Over a server whose storage lists in no key order, tokens are the server's sealed tokens (valid 24 hours,
    /// for the same API key's tenant and the same prefix, recursive and keysOnly); over one listing in key order,
    /// a token is the key to resume after, which the base class handles as for any ordered engine.
    /// </remarks>
    protected override bool HandlesContinuationTokens => !Capabilities.HasFlag(StorageCapabilities.OrderedList);

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        bool connected = true;
        try
        {
            _serverInfo = await _transport.SendJsonAsync<WireInfo>(() => new HttpRequestMessage(HttpMethod.Get, "v1/info"), null, cancellationToken);
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.NetworkError or StorageErrorCode.Timeout)
        {
            connected = false;
        }

        return new StorageInfo
        {
            EngineType = EngineType,
            Platform = "cloud",
            IsConnected = connected,
            Capabilities = Capabilities,
            Traits = Traits,
            KeyRules = KeyRules,
            HashAlgorithms = _hashAlgorithms,
            Limits = new StorageLimits
            {
                MaxObjectSize = _serverInfo.MaxObjectSize,
                MaxItems = _serverInfo.MaxItems,
                QuotaUsed = _serverInfo.QuotaUsed,
                QuotaTotal = _serverInfo.QuotaTotal,
                ModifiedTimePrecision = _serverInfo.ModifiedTimePrecisionSeconds is { } precision ? TimeSpan.FromSeconds(precision) : null,
                MaxMetadataEntries = _serverInfo.MaxMetadataEntries,
                MaxMetadataEntryBytes = _serverInfo.MaxMetadataEntryBytes,
                MaxMetadataBytes = _serverInfo.MaxMetadataBytes,
                ChangeRetention = _serverInfo.ChangeRetentionSeconds is { } retention ? TimeSpan.FromSeconds(retention) : null,
            },
            Details = Details(_serverInfo),
        };
    }

    /// <summary>Copies on the server (<c>POST /v1/copy</c>), by the served engine; no content passes through this process.</summary>
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        TransferAsync("v1/copy", sourceKey, destinationKey, condition, cancellationToken);

    /// <summary>Moves on the server (<c>POST /v1/move</c>), by the served engine.</summary>
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        TransferAsync("v1/move", sourceKey, destinationKey, condition, cancellationToken);

    /// <inheritdoc />
    protected override async ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        var answer = await _transport.SendJsonAsync<WireChangeCursor>(
            () => new HttpRequestMessage(HttpMethod.Get, "v1/changes/cursor?prefix=" + Uri.EscapeDataString(prefix)), prefix, cancellationToken);
        return answer.Cursor;
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        int limit = Math.Clamp(options.PageSize ?? 1000, 1, 1000);
        var page = await _transport.SendJsonAsync<WireChangePage>(
            () => new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"v1/changes?cursor={Uri.EscapeDataString(cursor)}&limit={limit}")), null, cancellationToken);
        return new StorageChangePage { Changes = [.. page.Changes.Select(ChangeOf)], Cursor = page.Cursor, HasMore = page.HasMore };
    }

    /// <summary>Long-polls the server (<c>GET /v1/changes/wait</c>), again while the server's longest wait is shorter than <paramref name="timeout"/>.</summary>
    protected override async ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = _transport.TimeProvider;
        long started = time.GetTimestamp();
        // Each poll must end (with its answer) well within one request's timeout.
        var longestPoll = TimeSpan.FromSeconds(Math.Min(_serverInfo.MaxChangeWaitSeconds ?? 30, _options.RequestTimeout.TotalSeconds * 0.8));
        while (true)
        {
            var remaining = timeout - time.GetElapsedTime(started);
            if (remaining < TimeSpan.FromMilliseconds(1))
            {
                // What is left is below the millisecond the request carries: the wait is over.
                return false;
            }

            var poll = remaining < longestPoll ? remaining : longestPoll;
            var answer = await _transport.SendJsonAsync<WireChangeWait>(
                () => new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"v1/changes/wait?cursor={Uri.EscapeDataString(cursor)}&timeout={poll.TotalSeconds:0.###}")), null, cancellationToken);
            if (answer.Changed)
            {
                return true;
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _transport.Dispose();
        await base.DisposeCoreAsync();
    }

    private async ValueTask<StorageItem> TransferAsync(string route, string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var body = new WireTransferRequest
        {
            Source = sourceKey,
            Destination = destinationKey,
            IfMatch = condition.Kind == WriteConditionKind.IfMatch ? condition.ETag : null,
            IfNotExists = condition.Kind == WriteConditionKind.IfNotExists,
        };
        var item = await _transport.SendJsonAsync<WireItem>(
            () => new HttpRequestMessage(HttpMethod.Post, route) { Content = System.Net.Http.Json.JsonContent.Create(body, options: CloudJson.Options) },
            sourceKey, cancellationToken);
        return item.ToItem();
    }

    private static StorageChange ChangeOf(WireChange change) => change.Kind switch
    {
        "upserted" when change.Item is not null => new StorageChange(StorageChangeKind.Upserted, change.Key, change.Item.ToItem()),
        "deleted" => new StorageChange(StorageChangeKind.Deleted, change.Key),
        "moved" when change.Item is not null && change.PreviousKey is not null => new StorageChange(StorageChangeKind.Moved, change.Key, change.Item.ToItem(), change.PreviousKey),
        _ => throw new StorageException(StorageErrorCode.SerializationError, $"The Atomiton Cloud server sent a change of kind '{change.Kind}' for key '{change.Key}' that this plugin does not understand. Update the plugin to the server's API version.")
        { Key = change.Key, Provider = CloudProvider.TypeName },
    };

    /// <summary>The rules of the info document; the shared default instance when they accept every valid key (no check per call).</summary>
    private static StorageKeyRules RulesOf(WireKeyRules? wire)
    {
        if (wire is null)
        {
            return StorageKeyRules.Default;
        }

        var rules = new StorageKeyRules
        {
            MaxKeyBytes = wire.MaxKeyBytes,
            MaxSegmentBytes = wire.MaxSegmentBytes,
            CaseInsensitive = wire.CaseInsensitive,
            PreservesCase = wire.PreservesCase,
            UnicodeNormalization = wire.UnicodeNormalization,
            ObjectAndFolderMayShareName = wire.ObjectAndFolderMayShareName,
            ForbiddenCharacters = wire.ForbiddenCharacters ?? string.Empty,
            ForbiddenLeadingCharacters = wire.ForbiddenLeadingCharacters ?? string.Empty,
            ForbiddenTrailingCharacters = wire.ForbiddenTrailingCharacters ?? string.Empty,
            ReservedNames = wire.ReservedNames ?? [],
        };
        return rules.AcceptsEveryValidKey ? StorageKeyRules.Default : rules;
    }

    private static StorageItem ItemOf(HttpResponseMessage response, string key)
    {
        if (response.Headers.TryGetValues("X-Atomiton-Item", out var values)
            && CloudJson.TryFromHeader(values.First(), out WireItem? item))
        {
            return item!.ToItem();
        }

        throw new StorageException(StorageErrorCode.SerializationError, "The Atomiton Cloud server's response lacks a valid X-Atomiton-Item header. Check that 'endpoint' points at an Atomiton Cloud server (API version 1), not a proxy that strips headers.")
        { Key = key, Provider = CloudProvider.TypeName };
    }

    private static string RangeHeaderOf(ByteRange range)
    {
        if (range.IsSuffix)
        {
            return string.Create(CultureInfo.InvariantCulture, $"bytes=-{range.Length}");
        }

        return range.Length is { } length && length <= long.MaxValue - range.Offset
            ? string.Create(CultureInfo.InvariantCulture, $"bytes={range.Offset}-{range.Offset + length - 1}")
            : string.Create(CultureInfo.InvariantCulture, $"bytes={range.Offset}-");
    }

    private static void AddCondition(HttpRequestMessage request, WriteCondition condition)
    {
        if (condition.Kind == WriteConditionKind.IfMatch)
        {
            request.Headers.TryAddWithoutValidation("If-Match", EntityTagCodec.Encode(condition.ETag!));
        }
        else if (condition.Kind == WriteConditionKind.IfNotExists)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        }
    }

    private Dictionary<string, string> Details(WireInfo info)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["endpoint"] = _transport.BaseAddress.GetLeftPart(UriPartial.Path),
            ["serverEngineType"] = info.EngineType,
            ["apiVersion"] = info.ApiVersion,
        };
        if (info.QuotaItemsUsed is { } items)
        {
            // The tenant's quota counts objects too; StorageLimits has no place for the count.
            details["quotaItemsUsed"] = items.ToString(CultureInfo.InvariantCulture);
        }

        return details;
    }

    private static StorageCapabilities ParseCapabilities(string value) =>
        Enum.TryParse<StorageCapabilities>(value, out var parsed) ? parsed : StorageCapabilities.None;
}
