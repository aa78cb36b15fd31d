using System.Globalization;
using System.Net;
using Atomiton.Storage.Providers;
using Microsoft.Graph;
using Microsoft.Graph.Drives.Item.Items.Item;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// The <c>onedrive</c> engine: keys are files below one folder of a OneDrive (the app folder by default),
/// reached through the Microsoft Graph SDK. Objects up to <see cref="OneDriveOptions.SimpleUploadLimit"/>
/// go in one PUT, larger ones through an upload session (the SDK's large-file upload task, resumed from
/// the session's next expected range after a failure, restarted when the session expired). Reads follow
/// the item's pre-authenticated download address with a Range header. Conditions use the item's eTag
/// (If-Match) and <c>conflictBehavior=fail</c>; copies run on the service and are monitored; batch
/// deletes go through <c>$batch</c>; the change feed is Graph's <c>delta</c>. Thread-safe.
/// </summary>
public sealed partial class OneDriveEngine : StorageEngine
{
    private const StorageCapabilities Supported = StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.Delete
        | StorageCapabilities.List | StorageCapabilities.ShallowList | StorageCapabilities.RecursiveList | StorageCapabilities.OrderedList
        | StorageCapabilities.RangeRead | StorageCapabilities.CreateOnly | StorageCapabilities.ConditionalWrite | StorageCapabilities.ConditionalRead
        | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove | StorageCapabilities.Persistent | StorageCapabilities.Durable
        | StorageCapabilities.Quota | StorageCapabilities.ChangeFeed | StorageCapabilities.ContentHashes | StorageCapabilities.BatchDelete;

    /// <summary>Graph's <c>$batch</c> takes at most 20 requests.</summary>
    internal const int BatchLimit = 20;

    private readonly GraphServiceClient _graph;
    private readonly HttpClient _graphHttp;
    private readonly HttpClient _contentHttp;
    private readonly OneDriveOptions _options;
    private readonly StorageProviderContext _context;
    private readonly string _driveId;
    private readonly string _baseId;
    private readonly string _basePath;
    private readonly OneDriveNames _names;

    private OneDriveEngine(GraphServiceClient graph, HttpClient graphHttp, HttpClient contentHttp, OneDriveOptions options, StorageProviderContext context, string driveId, DriveItem baseFolder, string basePath)
    {
        _graph = graph;
        _graphHttp = graphHttp;
        _contentHttp = contentHttp;
        _options = options;
        _context = context;
        _driveId = driveId;
        _baseId = baseFolder.Id!;
        _basePath = basePath;
        _names = new OneDriveNames(options.NameMode, basePath.Length);
    }

    /// <inheritdoc />
    public override string EngineType => OneDriveProvider.TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities => Supported;

    /// <summary>OneDrive folds case (keeping the first spelling) and lists in ordinal order as this engine sorts each folder.</summary>
    public override StorageTraits Traits => StorageTraits.CaseInsensitiveKeys;

    /// <summary>What OneDrive can store under the chosen name mode: see <see cref="OneDriveNames"/>.</summary>
    public override StorageKeyRules KeyRules => _names.Rules;

    /// <summary>The base folder's path from the drive's root (such as <c>Apps/Atomiton</c>).</summary>
    public string BasePath => _basePath;

    /// <summary>How many requests were sent again after a throttle, 5xx or dropped connection.</summary>
    internal int Retries => _retry.Retries + _contentRetry.Retries;

    private GraphRetryHandler _retry = null!;
    private GraphRetryHandler _contentRetry = null!;
    private IDisposable? _ownedTokens;

    /// <summary>Connects: reads the drive id and the base folder (creating a chosen folder that is missing).</summary>
    internal static async ValueTask<OneDriveEngine> ConnectAsync(OneDriveOptions options, StorageProviderContext context, IOneDriveTokenSource tokens, HttpMessageHandler? transport, CancellationToken cancellationToken)
    {
        var graphBase = new Uri(options.GraphBaseUrl.TrimEnd('/'));
        var retry = new GraphRetryHandler(options.MaxRetries, options.RetryDelay, context.TimeProvider, options.RequestsPerSecond is { } rps ? new RequestSpacer(rps, context.TimeProvider) : null);
        var handlers = GraphClientFactory.CreateDefaultHandlers().Where(h => h is not RetryHandler).ToList();
        handlers.Insert(0, retry);
        handlers.Insert(0, new GraphAuthenticationHandler(tokens, graphBase.Host));
        var graphHttp = GraphClientFactory.Create(handlers, finalHandler: transport ?? NewTransport());
        graphHttp.Timeout = Timeout.InfiniteTimeSpan;
        var contentRetry = new GraphRetryHandler(options.MaxRetries, options.RetryDelay, context.TimeProvider, null);
        var contentHttp = new HttpClient(new HttpClientPipeline(contentRetry, new FragmentBodyHandler { InnerHandler = transport ?? NewTransport() }), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        var authentication = new BaseBearerTokenAuthenticationProvider(new GraphTokenProvider(tokens, graphBase.Host));
        var graph = new GraphServiceClient(graphHttp, authentication, graphBase.ToString());
        try
        {
            var drive = await graph.Me.Drive.GetAsync(cancellationToken: cancellationToken) ?? throw new StorageException(StorageErrorCode.SerializationError, "Graph answered GET /me/drive without a drive.");
            string driveId = drive.Id!;
            DriveItem baseFolder = string.IsNullOrEmpty(options.Folder)
                ? await graph.Drives[driveId].Special["approot"].GetAsync(cancellationToken: cancellationToken) ?? throw new StorageException(StorageErrorCode.SerializationError, "Graph answered without the app folder.")
                : await EnsureRootFolderAsync(graph, driveId, options.Folder!, cancellationToken);
            string basePath = PathBelowRoot(baseFolder);
            return new OneDriveEngine(graph, graphHttp, contentHttp, options, context, driveId, baseFolder, basePath) { _retry = retry, _contentRetry = contentRetry, _ownedTokens = tokens as IDisposable };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            graph.Dispose();
            graphHttp.Dispose();
            contentHttp.Dispose();
            var error = OneDriveErrors.From(e, null, "create");
            throw new StorageException(error.Code, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' could not open its OneDrive folder ({(string.IsNullOrEmpty(options.Folder) ? "the app folder" : options.Folder)}) at {graphBase}: {error.Message}", e)
            { Provider = OneDriveProvider.TypeName, Operation = "create", IsTransient = error.IsTransient };
        }
    }

    private static SocketsHttpHandler NewTransport() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    private static async Task<DriveItem> EnsureRootFolderAsync(GraphServiceClient graph, string driveId, string folder, CancellationToken cancellationToken)
    {
        var parent = await graph.Drives[driveId].Root.GetAsync(cancellationToken: cancellationToken);
        foreach (var name in folder.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            parent = await CreateOrGetFolderAsync(graph, driveId, parent!.Id!, name, cancellationToken);
        }

        return parent!;
    }

    private static async Task<DriveItem> CreateOrGetFolderAsync(GraphServiceClient graph, string driveId, string parentId, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await graph.Drives[driveId].Items[parentId].Children.PostAsync(
                new DriveItem { Name = name, Folder = new Folder(), AdditionalData = { ["@microsoft.graph.conflictBehavior"] = "fail" } },
                cancellationToken: cancellationToken))!;
        }
        catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 409)
        {
            var existing = await graph.Drives[driveId].Items[parentId].ItemWithPath(Uri.EscapeDataString(name)).GetAsync(cancellationToken: cancellationToken);
            return existing?.Folder is not null
                ? existing
                : throw StorageException.Unrepresentable(name, $"'{name}' is a file in OneDrive, so it cannot be a folder of keys");
        }
    }

    private static string PathBelowRoot(DriveItem item)
    {
        string parent = item.ParentReference?.Path ?? "";
        int colon = parent.IndexOf(':', StringComparison.Ordinal);
        parent = colon < 0 ? "" : parent[(colon + 1)..].Trim('/');
        return parent.Length == 0 ? item.Name! : parent + "/" + item.Name;
    }

    /// <summary>The request builder of the item at <paramref name="key"/> below the base folder.</summary>
    private CustomDriveItemItemRequestBuilder ItemAt(string key) => _graph.Drives[_driveId].Items[_baseId].ItemWithPath(_names.UrlPathOf(key));

    private DriveItemItemRequestBuilder ItemById(string id) => _graph.Drives[_driveId].Items[id];

    /// <summary>The key of a driveItem, from its parent's path and its name (spelt as stored); null when it lies outside the base folder or a name does not decode.</summary>
    private string? KeyOf(DriveItem item)
    {
        string parent = item.ParentReference?.Path ?? "";
        int colon = parent.IndexOf(':', StringComparison.Ordinal);
        parent = colon < 0 ? "" : parent[(colon + 1)..].Trim('/');
        if (!parent.Equals(_basePath, StringComparison.OrdinalIgnoreCase)
            && !parent.StartsWith(_basePath + "/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string below = parent.Length == _basePath.Length ? "" : parent[(_basePath.Length + 1)..];
        return _names.KeyOf(below.Length == 0 ? item.Name! : below + "/" + item.Name);
    }

    private StorageItem ItemOf(DriveItem item, string? key = null)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.File?.Hashes?.QuickXorHash is { Length: > 0 } quickXor)
        {
            hashes[StorageHashAlgorithms.QuickXor] = quickXor;
        }

        if (item.File?.Hashes?.Sha1Hash is { Length: > 0 } sha1)
        {
            hashes[StorageHashAlgorithms.Sha1] = sha1.ToLowerInvariant();
        }

        if (item.File?.Hashes?.Sha256Hash is { Length: > 0 } sha256)
        {
            hashes[StorageHashAlgorithms.Sha256] = sha256.ToLowerInvariant();
        }

        return new StorageItem
        {
            Key = key ?? KeyOf(item) ?? item.Name!,
            Size = item.Size ?? 0,
            Created = item.CreatedDateTime ?? default,
            Updated = item.LastModifiedDateTime ?? default,
            ETag = item.ETag ?? "",
            // Not reported: OneDrive derives the MIME type from the name, and fileSystemInfo cannot tell a
            // client's modification time from the upload time (docs/providers/onedrive.md, "Declarations").
            Hashes = hashes,
            ItemId = item.Id,
        };
    }

    /// <summary>The file at <paramref name="key"/>, or null when there is none (nothing, or a folder of that name).</summary>
    private async ValueTask<DriveItem?> FindFileAsync(string key, string operation, CancellationToken cancellationToken)
    {
        try
        {
            var item = await ItemAt(key).GetAsync(cancellationToken: cancellationToken);
            return item?.Folder is null ? item : null;
        }
        catch (Exception e) when (e is not OperationCanceledException && OneDriveErrors.From(e, key, operation) is { Code: StorageErrorCode.NotFound })
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            throw OneDriveErrors.From(e, key, operation);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        var item = await FindFileAsync(key, StorageOperation.Stat, cancellationToken) ?? throw StorageException.NotFound(key, OneDriveProvider.TypeName, StorageOperation.Stat);
        return ItemOf(item);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var file = await FindFileAsync(key, StorageOperation.Load, cancellationToken) ?? throw StorageException.NotFound(key, OneDriveProvider.TypeName, StorageOperation.Load);
            var item = ItemOf(file);
            if (options.IfMatch is { } pinned && pinned != item.ETag)
            {
                throw StorageException.ETagMismatch(key, pinned, OneDriveProvider.TypeName, StorageOperation.Load);
            }

            if (options.IfNoneMatch is { } known && known == item.ETag)
            {
                return StorageReadResult.ForNotModified(item);
            }

            string? range = RangeHeaderOf(options.Range, item.Size);
            if (item.Size == 0 || range == "")
            {
                return new StorageReadResult(item, new MemoryStream([], writable: false));
            }

            if (!file.AdditionalData.TryGetValue("@microsoft.graph.downloadUrl", out var address) || address is not string url)
            {
                throw new StorageException(StorageErrorCode.SerializationError, $"Graph sent the item '{key}' without @microsoft.graph.downloadUrl.") { Key = key, Provider = OneDriveProvider.TypeName };
            }

            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (range is not null)
            {
                request.Headers.TryAddWithoutValidation("Range", range);
            }

            HttpResponseMessage response;
            try
            {
                response = await _contentHttp.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw OneDriveErrors.From(e, key, StorageOperation.Load);
            }

            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone && attempt < 10)
            {
                // The content changed between the metadata and the download: its address moved on. Read again.
                response.Dispose();
                if (options.IfMatch is not null)
                {
                    throw StorageException.ETagMismatch(key, options.IfMatch, OneDriveProvider.TypeName, StorageOperation.Load);
                }

                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                int status = (int)response.StatusCode;
                response.Dispose();
                throw OneDriveErrors.FromStatus(status, null, "the download address refused the request", key, StorageOperation.Load);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new StorageReadResult(item, new ResponseStream(stream, response));
        }
    }

    /// <summary>The Range header for <paramref name="range"/> over an object of <paramref name="size"/> bytes: null for the whole object, "" when the range selects nothing.</summary>
    private static string? RangeHeaderOf(ByteRange? range, long size)
    {
        if (range is not { } r)
        {
            return null;
        }

        if (r.IsSuffix)
        {
            return r.Length is 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"bytes=-{r.Length}");
        }

        if (r.Offset >= size || r.Length is 0)
        {
            return "";
        }

        return r.Length is { } length && length <= long.MaxValue - r.Offset
            ? string.Create(CultureInfo.InvariantCulture, $"bytes={r.Offset}-{Math.Min(size, r.Offset + length) - 1}")
            : string.Create(CultureInfo.InvariantCulture, $"bytes={r.Offset}-");
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        Drive? drive = null;
        try
        {
            drive = await _graph.Drives[_driveId].GetAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // Offline: report what is known without the quota.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw OneDriveErrors.From(e, null, "info");
        }

        return new StorageInfo
        {
            EngineType = EngineType,
            Platform = "cloud",
            IsConnected = drive is not null,
            Capabilities = Capabilities,
            Traits = Traits,
            KeyRules = KeyRules,
            HashAlgorithms = [StorageHashAlgorithms.QuickXor],
            Limits = new StorageLimits
            {
                MaxObjectSize = 250L * 1024 * 1024 * 1024,
                QuotaUsed = drive?.Quota?.Used,
                QuotaTotal = drive?.Quota?.Total,
                MaxDeleteBatch = BatchLimit,
            },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["graph"] = _options.GraphBaseUrl,
                ["driveId"] = _driveId,
                ["driveType"] = drive?.DriveType ?? "",
                ["folder"] = _basePath,
                ["names"] = _options.NameMode.ToString(),
            },
        };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _graph.Dispose();
        _graphHttp.Dispose();
        _contentHttp.Dispose();
        _ownedTokens?.Dispose();
        await base.DisposeCoreAsync();
    }

    /// <summary>A handler chain for the content client: retry over fragment bodies over the transport.</summary>
    private sealed class HttpClientPipeline : DelegatingHandler
    {
        public HttpClientPipeline(DelegatingHandler first, HttpMessageHandler transport)
        {
            first.InnerHandler = transport;
            InnerHandler = first;
        }
    }

    /// <summary>Supplies tokens to the SDK's bearer provider for the Graph host only.</summary>
    private sealed class GraphTokenProvider(IOneDriveTokenSource tokens, string graphHost) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([graphHost]);

        public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            AllowedHostsValidator.IsUrlHostValid(uri) ? await tokens.GetAccessTokenAsync(cancellationToken) : "";
    }
}
