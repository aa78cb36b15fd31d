using System.Net;
using Atomiton.Storage.Plugins.GoogleDrive.Api;
using Atomiton.Storage.Providers;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Services;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// The <c>gdrive</c> engine. Every object is one file in one Drive folder (the app-data folder, or
/// the stage's folder under <c>drive.file</c>) whose name is the whole key (<see cref="DriveItems"/>).
/// Drive allows several files of one name: reads take the most recently modified (ties: smallest
/// id), saves overwrite that one, deletes remove all, and <see cref="DedupeAsync(string, CancellationToken)"/> keeps only the
/// winner. Drive v3 has no conditional requests, so create-only and if-match writes are not
/// offered (UnsupportedOperation; see docs/providers/gdrive.md).
/// </summary>
public sealed partial class GoogleDriveEngine : StorageEngine, IStorageDeduplicator
{
    private const StorageCapabilities Supported = StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.Delete
        | StorageCapabilities.List | StorageCapabilities.RecursiveList | StorageCapabilities.RangeRead | StorageCapabilities.UserMetadata
        | StorageCapabilities.ContentType | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove | StorageCapabilities.Persistent
        | StorageCapabilities.Durable | StorageCapabilities.Quota | StorageCapabilities.ChangeFeed | StorageCapabilities.ContentHashes
        | StorageCapabilities.SetLastModified;

    private static readonly IReadOnlyList<string> HashAlgorithmsReported = [StorageHashAlgorithms.Md5, StorageHashAlgorithms.Sha1, StorageHashAlgorithms.Sha256];

    private readonly DriveApiService _service;
    private readonly GoogleDriveOptions _options;
    private readonly StorageProviderContext _context;
    private readonly DriveIdPool _ids;
    private readonly string _space;

    private GoogleDriveEngine(DriveApiService service, GoogleDriveOptions options, StorageProviderContext context, DriveRetryPolicy retries, DriveAuthorization authorization, string folderId)
    {
        _service = service;
        _options = options;
        _context = context;
        Retries = retries;
        Authorization = authorization;
        FolderId = folderId;
        _space = options.UsesAppData ? "appDataFolder" : "drive";
        _ids = new DriveIdPool(service, _space);
    }

    /// <inheritdoc />
    public override string EngineType => GoogleDriveProvider.TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities => _options.PermanentDelete ? Supported & ~StorageCapabilities.ChangeFeed : Supported;

    /// <summary>Several files may share a name; listings come in Drive's order.</summary>
    public override StorageTraits Traits => StorageTraits.DuplicateNames | StorageTraits.UnorderedListing;

    /// <summary>The id of the folder holding the objects.</summary>
    public string FolderId { get; }

    /// <inheritdoc />
    protected override bool HandlesContinuationTokens => true;

    internal DriveRetryPolicy Retries { get; }

    internal DriveAuthorization Authorization { get; }

    /// <summary>Connects: loads the stage's Google sign-in and finds (or, under drive.file, creates) the folder — one request when it exists.</summary>
    /// <exception cref="StorageException">AuthorizationRequired (no sign-in stored, or it was revoked), InvalidConfiguration, NetworkError; naming the stage.</exception>
    public static async ValueTask<GoogleDriveEngine> ConnectAsync(GoogleDriveOptions options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        var flow = GoogleAuthFlows.Create(options, context, out _);
        var token = await flow.LoadTokenAsync(GoogleAuthFlows.UserId, cancellationToken);
        if (token is null)
        {
            throw context.AuthorizationRequired("no Google sign-in is stored for it", GoogleDriveProvider.TypeName);
        }

        var credential = new UserCredential(flow, GoogleAuthFlows.UserId, token);
        var authorization = new DriveAuthorization(credential);
        var service = new DriveApiService(new BaseClientService.Initializer
        {
            HttpClientInitializer = authorization,
            ApplicationName = "Atomiton.Storage",
            BaseUri = options.BaseUri,
            DefaultExponentialBackOffPolicy = Google.Apis.Http.ExponentialBackOffPolicy.None,
        });
        var retries = new DriveRetryPolicy(options, context.TimeProvider);
        var handler = service.HttpClient.MessageHandler;
        handler.AddExecuteInterceptor(new DrivePacer(options.RequestsPerSecond, context.TimeProvider));
        handler.AddUnsuccessfulResponseHandler(retries);
        handler.AddExceptionHandler(retries);
        handler.NumTries = Math.Clamp(options.MaxRetries + 2, 1, 20);
        try
        {
            string folder = await ResolveFolderAsync(service, options, cancellationToken);
            return new GoogleDriveEngine(service, options, context, retries, authorization, folder);
        }
        catch (Exception e) when (DriveErrors.IsMapped(e) || e is StorageException)
        {
            service.Dispose();
            var error = DriveErrors.Map(e, null, context);
            if (error.Code == StorageErrorCode.AuthorizationRequired)
            {
                throw error;
            }

            throw new StorageException(error.Code, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' could not open its Google Drive folder at {options.BaseUri}: {error.Message}", error)
            { Provider = GoogleDriveProvider.TypeName, Operation = "create", IsTransient = error.IsTransient };
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        DriveItems.ToItem(await FindWinnerAsync(key, cancellationToken));

    /// <summary>Deletes every file of the key's name: moves each to Drive's trash (one request each), or removes it for good with <see cref="GoogleDriveOptions.PermanentDelete"/>.</summary>
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        var files = await FindAllAsync(key, cancellationToken);
        foreach (var file in files)
        {
            await RemoveAsync(file, key, cancellationToken);
        }

        return files.Count > 0;
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        DriveAbout? about = null;
        bool connected = true;
        try
        {
            about = await CallAsync(() => new GetAboutRequest(_service) { Fields = "storageQuota(limit,usage)" }.ExecuteAsync(cancellationToken), null);
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
            HashAlgorithms = HashAlgorithmsReported,
            Limits = new StorageLimits
            {
                MaxObjectSize = 5L * 1024 * 1024 * 1024 * 1024,
                QuotaUsed = about?.StorageQuota?.Usage,
                QuotaTotal = about?.StorageQuota?.Limit,
                ModifiedTimePrecision = TimeSpan.FromMilliseconds(1),
                MaxMetadataEntries = DriveItems.MaxMetadataEntries,
                MaxMetadataEntryBytes = DriveItems.MaxMetadataEntryBytes,
            },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["scope"] = _options.Scope,
                ["folderId"] = FolderId,
                ["baseUri"] = _options.BaseUri,
                ["keyMapping"] = "whole key = file name, one folder",
            },
        };
    }

    /// <inheritdoc />
    protected override ValueTask DisposeCoreAsync()
    {
        _ids.Dispose();
        _service.Dispose();
        return base.DisposeCoreAsync();
    }

    private static async Task<string> ResolveFolderAsync(DriveApiService service, GoogleDriveOptions options, CancellationToken cancellationToken)
    {
        if (options.UsesAppData || options.FolderId is { Length: > 0 })
        {
            var folder = await new GetFileRequest(service, options.UsesAppData ? "appDataFolder" : options.FolderId!) { Fields = "id" }.ExecuteAsync(cancellationToken);
            return folder.Id!;
        }

        var existing = await new ListFilesRequest(service)
        {
            Q = $"name = '{Escape(options.FolderName)}' and mimeType = 'application/vnd.google-apps.folder' and 'root' in parents and trashed = false",
            Spaces = "drive",
            Fields = "files(id)",
            OrderBy = "createdTime",
        }.ExecuteAsync(cancellationToken);
        if (existing.Files is { Count: > 0 } found)
        {
            return found[0].Id!;
        }

        var created = await new CreateFileRequest(service, new DriveFile { Name = options.FolderName, MimeType = "application/vnd.google-apps.folder", Parents = ["root"] }) { Fields = "id" }.ExecuteAsync(cancellationToken);
        return created.Id!;
    }

    /// <summary>Every file of the key's name in the folder (one files.list request).</summary>
    private async Task<IList<DriveFile>> FindAllAsync(string key, CancellationToken cancellationToken)
    {
        var list = await CallAsync(() => new ListFilesRequest(_service)
        {
            Q = $"name = '{Escape(key)}' and '{FolderId}' in parents and trashed = false",
            Spaces = _space,
            PageSize = 1000,
            Fields = "files(" + DriveItems.FileFields + ")",
        }.ExecuteAsync(cancellationToken), key);
        return list.Files ?? [];
    }

    private async Task<DriveFile> FindWinnerAsync(string key, CancellationToken cancellationToken)
    {
        var files = await FindAllAsync(key, cancellationToken);
        return files.Count == 0 ? throw StorageException.NotFound(key) : DriveItems.Winner(files);
    }

    private async Task RemoveAsync(DriveFile file, string key, CancellationToken cancellationToken)
    {
        try
        {
            if (_options.PermanentDelete)
            {
                await CallAsync(() => new DeleteFileRequest(_service, file.Id!).ExecuteAsync(cancellationToken), key);
            }
            else
            {
                // Trashed, not deleted: Drive's change feed reports a file's latest state, and a trashed
                // file still has its name there, so the feed can say which key went.
                await CallAsync(() => new UpdateFileRequest(_service, file.Id!, new DriveFile { Trashed = true }) { Fields = "id" }.ExecuteAsync(cancellationToken), key);
            }
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            // Deleted by another client meanwhile: gone either way.
        }
    }

    /// <summary>Runs a Google client call, mapping its failures to StorageExceptions naming the key and Drive's reason.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, string? key)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (DriveErrors.IsMapped(e))
        {
            throw DriveErrors.Map(e, key, _context);
        }
    }

    /// <summary>A string literal of the q grammar: <c>\</c> and <c>'</c> escaped with a backslash.</summary>
    internal static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);

    internal static bool IsConflict(StorageException e) => e.InnerException is Google.GoogleApiException { HttpStatusCode: HttpStatusCode.Conflict };
}
