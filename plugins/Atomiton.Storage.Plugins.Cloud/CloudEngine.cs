using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Cloud.Wire;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// The <c>cloud</c> engine: every operation is a request to an Atomiton Cloud server. Objects up to
/// <see cref="CloudOptions.ChunkSize"/> go in one request; larger ones stream through a resumable
/// upload session in bounded memory. Reads stream the response body. Capabilities are what the
/// server's pipeline offers (asked once, at connection).
/// </summary>
public sealed class CloudEngine : StorageEngine
{
    private const StorageCapabilities Supported = StorageCapabilities.Standard | StorageCapabilities.Persistent
        | StorageCapabilities.Durable | StorageCapabilities.Quota;

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
    }

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
            if (options.ContentType is not null || options.Metadata is { Count: > 0 })
            {
                request.Headers.TryAddWithoutValidation("X-Atomiton-Options", CloudJson.ToHeader(new WireSaveOptions
                {
                    ContentType = options.ContentType,
                    Metadata = options.Metadata is null ? null : new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal),
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
        int pageSize = Math.Clamp(options.PageSize ?? 1000, 1, 1000);
        while (true)
        {
            var query = $"v1/list?prefix={Uri.EscapeDataString(options.Prefix)}&recursive={(options.Recursive ? "true" : "false")}&pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}"
                + (startAfter is null ? "" : "&startAfter=" + Uri.EscapeDataString(startAfter))
                + (options.KeysOnly ? "&keysOnly=true" : "");
            var page = await _transport.SendJsonAsync<WireListPage>(() => new HttpRequestMessage(HttpMethod.Get, query), options.Prefix, cancellationToken);
            foreach (var entry in page.Entries)
            {
                yield return entry.Item is not null ? StorageEntry.ForItem(entry.Item.ToItem())
                    : entry.Key.EndsWith(StorageKey.Separator) ? StorageEntry.ForPrefix(entry.Key)
                    : StorageEntry.ForKey(entry.Key); // an object of a keys-only listing
            }

            if (page.Next is null)
            {
                yield break;
            }

            startAfter = page.Next;
        }
    }

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
            Limits = new StorageLimits
            {
                MaxObjectSize = _serverInfo.MaxObjectSize,
                MaxItems = _serverInfo.MaxItems,
                QuotaUsed = _serverInfo.QuotaUsed,
                QuotaTotal = _serverInfo.QuotaTotal,
            },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["endpoint"] = _transport.BaseAddress.GetLeftPart(UriPartial.Path),
                ["serverEngineType"] = _serverInfo.EngineType,
                ["apiVersion"] = _serverInfo.ApiVersion,
            },
        };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _transport.Dispose();
        await base.DisposeCoreAsync();
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

    private static StorageCapabilities ParseCapabilities(string value) =>
        Enum.TryParse<StorageCapabilities>(value, out var parsed) ? parsed : StorageCapabilities.None;
}
