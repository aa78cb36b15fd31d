using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Atomiton.Storage.Plugins.AzureBlob;

/// <summary>
/// The <c>azureblob</c> engine: one container of Azure Blob Storage, each key a block blob of the same
/// name. Saves stream in bounded memory (<see cref="AzureBlobUploader"/>); conditions are the service's
/// own If-Match / If-None-Match, decided atomically by it; reads stream the response and take ranges from
/// the service; copies run in the service (Copy Blob), moves are a service copy then a delete of the
/// source pinned to the copied version (not atomic: see docs/providers/azureblob.md). Listings come in
/// the service's order and resume by its continuation marker (<see cref="AzureBlobEngine"/> Listing).
/// </summary>
public sealed partial class AzureBlobEngine : StorageEngine
{
    /// <summary>Azure's most path segments in one blob name.</summary>
    public const int MaxPathSegments = 254;

    /// <summary>Azure's longest blob name, in characters; the contract's 1,024 UTF-8 bytes never exceed it.</summary>
    public const int MaxBlobNameLength = 1024;

    private const string DefaultContentType = "application/octet-stream";

    private const StorageCapabilities Supported = StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.Delete
        | StorageCapabilities.List | StorageCapabilities.RecursiveList | StorageCapabilities.ShallowList | StorageCapabilities.RangeRead
        | StorageCapabilities.CreateOnly | StorageCapabilities.ConditionalWrite | StorageCapabilities.ConditionalRead
        | StorageCapabilities.UserMetadata | StorageCapabilities.ContentType | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove
        | StorageCapabilities.Persistent | StorageCapabilities.Durable;

    private readonly BlobContainerClient _container;
    private readonly AzureBlobOptions _options;
    private readonly AzureBlobUploader _uploader;
    private readonly AzureBlobErrors _errors;
    private readonly string _accountName;

    private AzureBlobEngine(BlobContainerClient container, AzureBlobOptions options, StorageProviderContext context)
    {
        _container = container;
        _options = options;
        _uploader = new AzureBlobUploader(options.BlockSize);
        _errors = new AzureBlobErrors(container.Name, context.StageName, options.MaxRetries);
        _accountName = container.AccountName;
        Capabilities = options.DeclareContentHashes ? Supported | StorageCapabilities.ContentHashes : Supported;
    }

    /// <inheritdoc />
    public override string EngineType => AzureBlobProvider.TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities { get; }

    /// <summary>Listings come in the service's order (names compared as Azure compares them), not ordinal UTF-16 order.</summary>
    public override StorageTraits Traits => StorageTraits.UnorderedListing;

    /// <summary>Every valid key is a valid blob name of the same spelling (the contract's 1,024 UTF-8 bytes fit Azure's 1,024 characters); see <see cref="MaxPathSegments"/> for the one limit beyond.</summary>
    public override StorageKeyRules KeyRules => StorageKeyRules.Default;

    /// <summary>The container this engine stores in.</summary>
    public string ContainerName => _container.Name;

    /// <summary>Connects to the container named in <paramref name="options"/>: one request that also checks the credential (and creates the container when asked).</summary>
    /// <exception cref="StorageException">InvalidConfiguration (bad options, missing container), AuthenticationFailed, AccessDenied or NetworkError, naming the stage.</exception>
    public static ValueTask<AzureBlobEngine> ConnectAsync(AzureBlobOptions options, StorageProviderContext context, CancellationToken cancellationToken = default) =>
        ConnectAsync(options, context, transport: null, cancellationToken);

    /// <summary>Connects through a given HTTP transport (tests and benchmarks count or cut requests with it).</summary>
    internal static async ValueTask<AzureBlobEngine> ConnectAsync(AzureBlobOptions options, StorageProviderContext context, HttpPipelineTransport? transport, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        Validate(options, context);
        var container = CreateContainerClient(options, context, transport);
        var engine = new AzureBlobEngine(container, options, context);
        try
        {
            if (options.CreateContainer)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            else if (!(await container.ExistsAsync(cancellationToken)).Value)
            {
                throw new StorageException(StorageErrorCode.InvalidConfiguration,
                    $"Container '{container.Name}' does not exist in storage account '{container.AccountName}' (stage '{context.StageName}' of pipeline '{context.PipelineName}'). Create it, or set option 'createContainer': true.")
                { Provider = AzureBlobProvider.TypeName, Operation = "create" };
            }

            return engine;
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            var error = engine._errors.From(e, null);
            throw new StorageException(error.Code, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' could not open container '{container.Name}' of account '{container.AccountName}': {error.Message}")
            { Provider = AzureBlobProvider.TypeName, Operation = "create", IsTransient = error.IsTransient, IsPersistent = error.IsPersistent };
        }
        catch (Exception e) when (AzureBlobErrors.IsTransport(e))
        {
            var error = engine._errors.Network(e, null);
            throw new StorageException(error.Code, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}': {error.Message}")
            { Provider = AzureBlobProvider.TypeName, Operation = "create", IsTransient = error.IsTransient, IsPersistent = error.IsPersistent };
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        CheckSegments(key);
        var metadata = AzureMetadataCodec.Encode(options.Metadata, key);
        var headers = new BlobHttpHeaders { ContentType = options.ContentType };
        var conditions = options.Condition.Kind switch
        {
            WriteConditionKind.IfNotExists => new BlobRequestConditions { IfNoneMatch = ETag.All },
            WriteConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(options.Condition.ETag!) },
            _ => null,
        };
        var blob = _container.GetBlockBlobClient(key);
        await CallAsync(key, async () => await _uploader.UploadAsync(blob, key, content, options, headers, metadata, conditions, cancellationToken));
        // The upload's answer lacks the creation time, size and metadata: one stat gives the item as a following stat sees it.
        return await StatCoreAsync(key, cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(key);
        if (options.Range is { } range && (range.IsSuffix || range.Length == 0))
        {
            // Azure's ranges name a start; a suffix (or an empty range, which HTTP cannot express) needs the size first.
            var item = await StatCoreAsync(key, cancellationToken);
            if (options.IfNoneMatch == item.ETag)
            {
                return StorageReadResult.ForNotModified(item);
            }

            long length = range.IsSuffix ? Math.Min(range.Length ?? 0, item.Size) : 0;
            if (length == 0)
            {
                return new StorageReadResult(item, new MemoryStream([], writable: false));
            }

            return await DownloadAsync(blob, key, new HttpRange(item.Size - length, length), ifMatch: item.ETag, options.IfNoneMatch, cancellationToken);
        }

        var httpRange = options.Range is { } r ? new HttpRange(r.Offset, r.Length) : default;
        return await DownloadAsync(blob, key, httpRange, ifMatch: null, options.IfNoneMatch, cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        var properties = await CallAsync(key, async () => (await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken)).Value);
        return ItemOf(key, properties.ContentLength, properties.CreatedOn, properties.LastModified, properties.ETag, properties.ContentType, properties.Metadata, properties.ContentHash);
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        var conditions = options.IfMatch is { } etag ? new BlobRequestConditions { IfMatch = new ETag(etag) } : null;
        return await CallAsync(key, async () => (await _container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellationToken)).Value);
    }

    /// <summary>Copies in the service (Copy Blob within the account): content, content type, metadata and MD5 come along; nothing passes through this process.</summary>
    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var source = await StatCoreAsync(sourceKey, cancellationToken);
        return await CopyVersionAsync(sourceKey, source.ETag, destinationKey, condition, cancellationToken);
    }

    /// <summary>
    /// Moves as a service copy of the source's current version, then a delete of the source only if it is
    /// still that version. Not atomic: between the two, both keys exist; if the source was overwritten
    /// meanwhile, the destination holds the copied version, the source keeps the new one, and Conflict says so.
    /// </summary>
    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var source = await StatCoreAsync(sourceKey, cancellationToken);
        var moved = await CopyVersionAsync(sourceKey, source.ETag, destinationKey, condition, cancellationToken);
        bool deleted;
        try
        {
            deleted = await DeleteCoreAsync(sourceKey, new DeleteOptions { IfMatch = source.ETag }, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
        {
            throw new StorageException(StorageErrorCode.Conflict,
                $"Key '{sourceKey}' was overwritten while it was being moved to '{destinationKey}': '{destinationKey}' holds the version that was copied, and '{sourceKey}' keeps the newer one (a move in Azure Blob Storage is a copy and a delete).")
            { Key = sourceKey, Provider = AzureBlobProvider.TypeName };
        }

        // A source deleted by someone else meanwhile is gone either way; the move's result stands.
        _ = deleted;
        return moved;
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        bool connected = true;
        try
        {
            await CallAsync(null, async () => (await _container.GetPropertiesAsync(cancellationToken: cancellationToken)).Value);
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
            HashAlgorithms = Capabilities.HasFlag(StorageCapabilities.ContentHashes) ? [StorageHashAlgorithms.Md5] : [],
            Limits = new StorageLimits
            {
                MaxObjectSize = (long)_options.BlockSize * AzureBlobUploader.MaxBlocks,
                MaxMetadataBytes = AzureMetadataCodec.MaxEncodedBytes,
            },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["account"] = _accountName,
                ["container"] = _container.Name,
                ["serviceUrl"] = _container.Uri.GetLeftPart(UriPartial.Authority) + _container.Uri.AbsolutePath,
                ["blockSize"] = _options.BlockSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }

    private async ValueTask<StorageItem> CopyVersionAsync(string sourceKey, string sourceETag, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        CheckSegments(destinationKey);
        var destination = _container.GetBlobClient(destinationKey);
        var options = new BlobCopyFromUriOptions
        {
            SourceConditions = new BlobRequestConditions { IfMatch = new ETag(sourceETag) },
            DestinationConditions = condition.Kind switch
            {
                WriteConditionKind.IfNotExists => new BlobRequestConditions { IfNoneMatch = ETag.All },
                WriteConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
                _ => null,
            },
        };
        var source = _container.GetBlobClient(sourceKey);
        await CallAsync(destinationKey, async () =>
        {
            try
            {
                var copy = await destination.StartCopyFromUriAsync(source.Uri, options, cancellationToken);
                // Within one account the service copies before it answers ("success"); poll only when it says "pending".
                if (!copy.GetRawResponse().Headers.TryGetValue("x-ms-copy-status", out string? status) || status != "success")
                {
                    await copy.WaitForCompletionAsync(cancellationToken);
                }

                return copy;
            }
            catch (RequestFailedException e) when (e.ErrorCode is "SourceConditionNotMet" or "CannotVerifyCopySource" && e.Status is 404 or 412)
            {
                // The source changed or vanished between its stat and the copy: say so about the source.
                throw e.Status == 404 ? StorageException.NotFound(sourceKey, AzureBlobProvider.TypeName) : new StorageException(StorageErrorCode.Conflict,
                    $"Key '{sourceKey}' changed while it was being copied to '{destinationKey}'; nothing was copied. Copy again.")
                { Key = sourceKey, Provider = AzureBlobProvider.TypeName };
            }
        });
        return await StatCoreAsync(destinationKey, cancellationToken);
    }

    private async ValueTask<StorageReadResult> DownloadAsync(BlobClient blob, string key, HttpRange range, string? ifMatch, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        var options = new BlobDownloadOptions
        {
            Range = range,
            Conditions = ifMatch is null && ifNoneMatch is null ? null : new BlobRequestConditions
            {
                IfMatch = ifMatch is null ? null : new ETag(ifMatch),
                IfNoneMatch = ifNoneMatch is null ? null : new ETag(ifNoneMatch),
            },
        };
        BlobDownloadStreamingResult result;
        try
        {
            var response = await blob.DownloadStreamingAsync(options, cancellationToken);
            if (response.GetRawResponse().Status == 304)
            {
                // Not modified: the SDK gives no body (nor details); the item comes from a stat.
                response.GetRawResponse().Dispose();
                return StorageReadResult.ForNotModified(await StatCoreAsync(key, cancellationToken));
            }

            result = response.Value;
        }
        catch (RequestFailedException e) when (e.Status == 304)
        {
            return StorageReadResult.ForNotModified(await StatCoreAsync(key, cancellationToken));
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // A range starting at or past the end: the contract clamps it to nothing.
            var item = await StatCoreAsync(key, cancellationToken);
            return new StorageReadResult(item, new MemoryStream([], writable: false));
        }
        catch (RequestFailedException e) when (e.Status == 412 && ifMatch is not null)
        {
            throw new StorageException(StorageErrorCode.Conflict, $"Key '{key}' changed while its end was being read; read it again.") { Key = key, Provider = AzureBlobProvider.TypeName };
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            throw _errors.From(e, key);
        }
        catch (Exception e) when (AzureBlobErrors.IsTransport(e))
        {
            throw _errors.Network(e, key);
        }

        var details = result.Details;
        long size = details.ContentRange is { } contentRange && TotalOf(contentRange) is { } total ? total : details.ContentLength;
        // For a ranged read the service sends the whole blob's MD5 as BlobContentHash, not ContentHash.
        var hash = details.BlobContentHash ?? (range.Equals(default(HttpRange)) ? details.ContentHash : null);
        var itemOfRead = ItemOf(key, size, details.CreatedOn, details.LastModified, details.ETag, details.ContentType, details.Metadata, hash);
        return new StorageReadResult(itemOfRead, result.Content);
    }

    /// <summary>The total in a <c>Content-Range</c> header (<c>bytes 0-9/50</c>).</summary>
    private static long? TotalOf(string contentRange)
    {
        int slash = contentRange.LastIndexOf('/');
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long total) ? total : null;
    }

    private static StorageItem ItemOf(string key, long size, DateTimeOffset created, DateTimeOffset updated, ETag etag, string? contentType, IDictionary<string, string>? metadata, byte[]? md5) => new()
    {
        Key = key,
        Size = size,
        Created = created == default ? updated : created,
        Updated = updated,
        ETag = ETagOf(etag),
        ContentType = contentType is null or DefaultContentType ? null : contentType,
        Metadata = AzureMetadataCodec.Decode(metadata),
        Hashes = md5 is { Length: > 0 } ? new Dictionary<string, string>(1, StringComparer.Ordinal) { [StorageHashAlgorithms.Md5] = Convert.ToHexStringLower(md5) } : StorageItem.EmptyMetadata,
    };

    /// <summary>
    /// The ETag as the service's headers give it (quoted); listings give it bare, so both are made the
    /// same string, and the quoted form goes back into If-Match as it is.
    /// </summary>
    private static string ETagOf(ETag etag)
    {
        string value = etag.ToString();
        return value.StartsWith('"') ? value : $"\"{value}\"";
    }

    /// <summary>Runs one SDK call, turning its failures into the contract's errors.</summary>
    private async ValueTask<T> CallAsync<T>(string? key, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            throw _errors.From(e, key);
        }
        catch (Exception e) when (AzureBlobErrors.IsTransport(e))
        {
            throw _errors.Network(e, key);
        }
    }

    /// <summary>Azure refuses names of more than <see cref="MaxPathSegments"/> segments; refuse them first, naming the rule.</summary>
    private static void CheckSegments(string key)
    {
        int segments = key.AsSpan().Count('/') + 1;
        if (segments > MaxPathSegments)
        {
            throw StorageException.Unrepresentable(key, $"it has {segments} segments and an Azure blob name has at most {MaxPathSegments}", AzureBlobProvider.TypeName);
        }
    }

    private static void Validate(AzureBlobOptions options, StorageProviderContext context)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' has invalid options: {string.Join(" ", results.Select(r => r.ErrorMessage))}")
            { Provider = AzureBlobProvider.TypeName, Operation = "create" };
        }
    }

    private static BlobContainerClient CreateContainerClient(AzureBlobOptions options, StorageProviderContext context, HttpPipelineTransport? transport)
    {
        var clientOptions = new BlobClientOptions
        {
            Retry =
            {
                MaxRetries = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                Mode = RetryMode.Exponential,
                NetworkTimeout = options.RequestTimeout,
            },
            Diagnostics = { IsLoggingEnabled = false, IsDistributedTracingEnabled = false, IsTelemetryEnabled = false },
        };
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }

        try
        {
            BlobServiceClient service;
            if (!string.IsNullOrEmpty(options.ConnectionString))
            {
                service = new BlobServiceClient(options.ConnectionString, clientOptions);
            }
            else if (!string.IsNullOrEmpty(options.AccountKey))
            {
                var url = new Uri(options.ServiceUrl!);
                string account = string.IsNullOrEmpty(options.AccountName) ? new BlobUriBuilder(url).AccountName : options.AccountName;
                if (string.IsNullOrEmpty(account))
                {
                    throw new StorageException(StorageErrorCode.InvalidConfiguration,
                        $"Stage '{context.StageName}' of pipeline '{context.PipelineName}': the account name cannot be read from serviceUrl {url}; set option 'accountName'.")
                    { Provider = AzureBlobProvider.TypeName, Operation = "create" };
                }

                service = new BlobServiceClient(url, new StorageSharedKeyCredential(account, options.AccountKey), clientOptions);
            }
            else
            {
                service = new BlobServiceClient(new Uri(options.ServiceUrl!), new AzureSasCredential(options.SasToken!.TrimStart('?')), clientOptions);
            }

            return service.GetBlobContainerClient(options.Container);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or UriFormatException)
        {
            // The SDK's own text may quote the credential; name the option instead.
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"Stage '{context.StageName}' of pipeline '{context.PipelineName}': the {(options.ConnectionString is { Length: > 0 } ? "connectionString" : options.AccountKey is { Length: > 0 } ? "accountKey (it must be base64)" : "sasToken")} option is malformed ({e.GetType().Name}). Copy it again from the storage account's access keys or SAS page.")
            { Provider = AzureBlobProvider.TypeName, Operation = "create" };
        }
    }
}
