using System.Globalization;
using System.Net;
using Atomiton.Storage.Plugins.Dropbox.Wire;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// The <c>dropbox</c> engine: keys are files under <see cref="DropboxOptions.Root"/> (named by the
/// name mode), each operation one or two Dropbox API v2 calls. Objects up to
/// <see cref="DropboxOptions.ChunkSize"/> go in one <c>files/upload</c>; larger ones through an
/// upload session in bounded memory. The ETag is the file's <c>rev</c> (kept when identical bytes
/// are written again, as Dropbox does); items carry the Dropbox content hash, computed locally and
/// sent with every upload so Dropbox verifies it. Listings are recursive and unordered; the change
/// feed is <c>list_folder</c> cursors with the long poll.
/// </summary>
public sealed partial class DropboxEngine : StorageEngine
{
    private const StorageCapabilities Supported = StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.Delete
        | StorageCapabilities.List | StorageCapabilities.RecursiveList | StorageCapabilities.RangeRead
        | StorageCapabilities.CreateOnly | StorageCapabilities.ConditionalWrite
        | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove | StorageCapabilities.Persistent | StorageCapabilities.Durable
        | StorageCapabilities.Quota | StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait | StorageCapabilities.ContentHashes
        | StorageCapabilities.SetLastModified | StorageCapabilities.BatchDelete;

    /// <summary>The largest file an upload session takes (Dropbox: 350 GB).</summary>
    private const long MaxObjectSize = 350_000_000_000;

    private static readonly IReadOnlyList<string> Hashes = [StorageHashAlgorithms.Dropbox];

    private readonly DropboxClient _client;
    private readonly DropboxOptions _options;
    private readonly DropboxPaths _paths;
    private readonly StorageProviderContext _context;

    internal DropboxEngine(DropboxClient client, DropboxOptions options, StorageProviderContext context)
    {
        _client = client;
        _options = options;
        _context = context;
        _paths = new DropboxPaths(options.Root, options.NameMode);
        KeyRules = DropboxPaths.RulesFor(options.NameMode);
    }

    /// <inheritdoc />
    public override string EngineType => DropboxProvider.TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities => Supported;

    /// <summary>Unordered listings; identical bytes keep the rev; in native mode, case-insensitive keys.</summary>
    public override StorageTraits Traits => StorageTraits.UnorderedListing | StorageTraits.IdenticalWriteKeepsETag
        | (_options.NameMode == DropboxNameMode.Native ? StorageTraits.CaseInsensitiveKeys : StorageTraits.None);

    /// <summary>Native: case-insensitive, no <c>\</c>, no trailing space, not Dropbox's own file names; encoded: segments of at most 85 bytes. In both a file and a folder cannot share a name.</summary>
    public override StorageKeyRules KeyRules { get; }

    /// <inheritdoc />
    protected override bool HandlesContinuationTokens => true;

    /// <summary>HTTP requests sent to Dropbox so far (attempts included).</summary>
    internal long RequestCount => _client.RequestCount;

    /// <summary>Creates the engine; it needs a sign-in (or a fixed access token) but sends no request yet.</summary>
    /// <exception cref="StorageException">InvalidConfiguration (bad option), AuthorizationRequired (never signed in).</exception>
    public static ValueTask<DropboxEngine> ConnectAsync(DropboxOptions options, StorageProviderContext context, CancellationToken cancellationToken = default) =>
        ConnectAsync(options, context, handler: null, cancellationToken);

    internal static async ValueTask<DropboxEngine> ConnectAsync(DropboxOptions options, StorageProviderContext context, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(options.AppKey))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"Option 'appKey' of stage '{context.StageName}' in pipeline '{context.PipelineName}' is empty; copy the app key from the Dropbox App Console.")
            { Provider = DropboxProvider.TypeName, Operation = "create" };
        }

        var auth = DropboxAuthorizer.Create(options, context, handler);
        if (auth.CanRefresh && context.Credentials is not null && await context.Credentials.ReadAsync(OAuth.OAuthSession.CredentialName, cancellationToken) is null)
        {
            auth.Dispose();
            throw context.AuthorizationRequired("it was never signed in to Dropbox (or was signed out)", DropboxProvider.TypeName);
        }

        return new DropboxEngine(new DropboxClient(options, context, auth, handler), options, context);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        if (options.Range is { Length: 0 })
        {
            return new StorageReadResult(await StatCoreAsync(key, cancellationToken), new MemoryStream([], writable: false));
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.DownloadAsync(_paths.PathOf(key), options.Range is { } range ? RangeHeaderOf(range) : null, key, cancellationToken);
        }
        catch (StorageException e) when (DropboxErrors.StatusOf(e) == (int)HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // A range starting at or beyond the end reads nothing.
            return new StorageReadResult(await StatCoreAsync(key, cancellationToken), new MemoryStream([], writable: false));
        }

        try
        {
            var item = ItemOf(DropboxClient.ResultOf(response, key), key);
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
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        await FindAsync(key, cancellationToken) is { } metadata
            ? ItemOf(metadata, key)
            : throw new StorageException(StorageErrorCode.NotFound, $"No Dropbox file for key '{key}' ({_paths.PathOf(key)}).") { Key = key, Provider = EngineType };

    /// <summary>Deletes the file only (never a folder of that name): its rev is read first and given as <c>parent_rev</c>, so a file replaced meanwhile is deleted in its new version, and an if-match delete is one request.</summary>
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        string path = _paths.PathOf(key);
        for (int attempt = 0; ; attempt++)
        {
            string? rev = options.IfMatch;
            if (rev is null)
            {
                var current = await FindAsync(key, cancellationToken);
                if (current is null)
                {
                    return false;
                }

                rev = current.Rev;
            }

            try
            {
                await _client.RpcAsync("files/delete_v2", new WireDeleteArg(path, rev), DropboxJsonContext.Default.WireDeleteArg, DropboxJsonContext.Default.WireMetadataResult, key, write: true, cancellationToken);
                return true;
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
            {
                if (options.IfMatch is not null)
                {
                    throw new StorageException(StorageErrorCode.Conflict, $"The Dropbox file for key '{key}' is not at revision '{options.IfMatch}' (or is gone); nothing was deleted ({DropboxErrors.TagsOf(e)}).", e)
                    { Key = key, Provider = EngineType };
                }

                if (attempt >= 3)
                {
                    throw;
                }

                // Replaced between the read and the delete: read the new revision and delete that.
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        bool connected = true;
        WireSpaceUsage? usage = null;
        try
        {
            usage = await _client.RpcAsync("users/get_space_usage", DropboxJsonContext.Default.WireSpaceUsage, cancellationToken);
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.NetworkError or StorageErrorCode.Timeout)
        {
            connected = false;
        }

        return new StorageInfo
        {
            EngineType = EngineType,
            Platform = "any",
            IsConnected = connected,
            Capabilities = Capabilities,
            Traits = Traits,
            KeyRules = KeyRules,
            HashAlgorithms = Hashes,
            Limits = new StorageLimits
            {
                MaxObjectSize = MaxObjectSize,
                QuotaUsed = usage?.Used,
                QuotaTotal = usage?.Allocation?.Allocated,
                ModifiedTimePrecision = TimeSpan.FromSeconds(1),
                MaxDeleteBatch = 1000,
            },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["apiAddress"] = _options.ApiAddress,
                ["access"] = _options.Access.ToString(),
                ["root"] = _paths.Root.Length == 0 ? "/" : _paths.Root,
                ["nameMode"] = _options.NameMode.ToString(),
            },
        };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _client.Dispose();
        await base.DisposeCoreAsync();
    }

    /// <summary>The file's metadata, or null when there is none (missing, a folder, or deleted).</summary>
    private async ValueTask<WireMetadata?> FindAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await _client.RpcAsync("files/get_metadata", new WirePath(_paths.PathOf(key)), DropboxJsonContext.Default.WirePath, DropboxJsonContext.Default.WireMetadata, key, write: false, cancellationToken);
            return metadata.Tag == "file" ? metadata : null;
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return null;
        }
    }

    private StorageItem ItemOf(WireMetadata metadata, string fallbackKey)
    {
        var modified = metadata.ServerModified ?? DateTimeOffset.UnixEpoch;
        return new StorageItem
        {
            Key = metadata.PathLower is { } lower ? _paths.KeyOf(lower, metadata.PathDisplay) ?? fallbackKey : fallbackKey,
            Size = metadata.Size,
            // Dropbox keeps no creation time: both are the server's time of the current revision.
            Created = modified,
            Updated = modified,
            ETag = metadata.Rev ?? "",
            Hashes = metadata.ContentHash is { } hash
                ? new Dictionary<string, string>(StringComparer.Ordinal) { [StorageHashAlgorithms.Dropbox] = hash }
                : StorageItem.EmptyMetadata,
            // Dropbox sets client_modified to the server's time when none was sent: that is no modification time of the caller's.
            LastModified = metadata.ClientModified == metadata.ServerModified ? null : metadata.ClientModified,
            ItemId = metadata.Id,
        };
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
}

/// <summary>Account calls used by the sign-in.</summary>
public sealed partial class DropboxEngine
{
    /// <summary>The signed-in account's e-mail address (or id).</summary>
    internal async ValueTask<string?> AccountAsync(CancellationToken cancellationToken)
    {
        var account = await _client.RpcAsync("users/get_current_account", Wire.DropboxJsonContext.Default.WireAccount, cancellationToken);
        return account.Email ?? account.AccountId;
    }

    /// <summary>Revokes the access token in use (<c>auth/token/revoke</c>).</summary>
    internal async ValueTask RevokeAsync(CancellationToken cancellationToken)
    {
        await _client.RpcNoResultAsync("auth/token/revoke", cancellationToken);
    }
}
