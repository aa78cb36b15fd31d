using System.Globalization;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary><c>/v1/list</c> (paged listing inside the caller's tenant) and <c>/v1/info</c>.</summary>
internal sealed class ListingHandlers(IStorageEngine engine, CloudServerOptions options)
{
    /// <summary>The largest page a listing returns.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>What the server passes on from the served engine (the change feed is the server's own).</summary>
    private const StorageCapabilities Exposed = StorageCapabilities.Standard | StorageCapabilities.Persistent
        | StorageCapabilities.Durable | StorageCapabilities.Quota | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove
        | StorageCapabilities.ContentHashes | StorageCapabilities.SetLastModified;

    /// <summary>What the server itself adds: the change feed of its change log, with long polls.</summary>
    private const StorageCapabilities Own = StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait;

    public async Task<IResult> ListAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var query = context.Request.Query;
        var prefix = query["prefix"].ToString();
        StorageKey.ValidatePrefix(prefix, "cloud", StorageOperation.List);
        string? startAfter = query.ContainsKey("startAfter") ? query["startAfter"].ToString() : null;
        int pageSize = MaxPageSize;
        if (query.ContainsKey("pageSize") && (!int.TryParse(query["pageSize"], NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            throw CloudRequest.InvalidArgument($"pageSize must be a whole number from 1 to {MaxPageSize}.");
        }

        bool recursive = true;
        if (query.ContainsKey("recursive") && !bool.TryParse(query["recursive"], out recursive))
        {
            throw CloudRequest.InvalidArgument("recursive must be 'true' or 'false'.");
        }

        bool keysOnly = false;
        if (query.ContainsKey("keysOnly") && !bool.TryParse(query["keysOnly"], out keysOnly))
        {
            throw CloudRequest.InvalidArgument("keysOnly must be 'true' or 'false'.");
        }

        var listOptions = new ListOptions
        {
            Prefix = caller.TenantPrefix + prefix,
            Recursive = recursive,
            StartAfter = startAfter is null ? null : caller.TenantPrefix + startAfter,
            PageSize = pageSize,
            KeysOnly = keysOnly,
        };
        var entries = new List<WireEntry>(Math.Min(pageSize, 128));
        await foreach (var entry in engine.ListAsync(listOptions, cancellationToken))
        {
            entries.Add(new WireEntry(entry.Key[caller.TenantPrefix.Length..], entry.Item is null ? null : WireItem.From(entry.Item, caller.TenantPrefix)));
            if (entries.Count == pageSize)
            {
                break;
            }
        }

        var next = entries.Count == pageSize ? entries[^1].Key : null;
        return Results.Json(new WireListPage(entries, next), CloudJson.Options);
    }

    public async Task<IResult> InfoAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var info = await engine.GetInfoAsync(cancellationToken);
        bool admin = caller.Has(ApiKeyPermissions.Admin);
        var capabilities = (info.Capabilities & Exposed) | Own;
        if (!admin)
        {
            capabilities &= ~StorageCapabilities.Quota;
        }

        // A tenant quota (replicas' database) is the tenant's own business: every key of the tenant sees it.
        var quota = options.Database is { } database ? await database.GetQuotaAsync(caller.TenantPrefix, cancellationToken) : null;
        if (quota is { MaxBytes: not null })
        {
            capabilities |= StorageCapabilities.Quota;
        }

        var rules = info.KeyRules;
        int prefixBytes = System.Text.Encoding.UTF8.GetByteCount(caller.TenantPrefix);

        return Results.Json(new WireInfo
        {
            EngineType = info.EngineType,
            Platform = info.Platform,
            IsConnected = info.IsConnected,
            Capabilities = capabilities.ToString(),
            Traits = info.Traits.ToString(),
            KeyRules = new WireKeyRules
            {
                // The tenant prefix is part of every engine key, so it comes off the caller's key budget.
                MaxKeyBytes = Math.Min(rules.MaxKeyBytes, StorageKey.MaxKeyBytes) - prefixBytes,
                MaxSegmentBytes = rules.MaxSegmentBytes,
                CaseInsensitive = rules.CaseInsensitive || info.Traits.HasFlag(StorageTraits.CaseInsensitiveKeys),
                PreservesCase = rules.PreservesCase,
                UnicodeNormalization = rules.UnicodeNormalization,
                ObjectAndFolderMayShareName = rules.ObjectAndFolderMayShareName,
                ForbiddenCharacters = NullIfEmpty(rules.ForbiddenCharacters),
                ForbiddenLeadingCharacters = NullIfEmpty(rules.ForbiddenLeadingCharacters),
                ForbiddenTrailingCharacters = NullIfEmpty(rules.ForbiddenTrailingCharacters),
                ReservedNames = rules.ReservedNames.Count == 0 ? null : rules.ReservedNames,
            },
            HashAlgorithms = info.HashAlgorithms.Count == 0 ? null : info.HashAlgorithms,
            ModifiedTimePrecisionSeconds = info.Limits.ModifiedTimePrecision?.TotalSeconds,
            MaxMetadataEntries = info.Limits.MaxMetadataEntries,
            MaxMetadataEntryBytes = info.Limits.MaxMetadataEntryBytes,
            MaxMetadataBytes = info.Limits.MaxMetadataBytes,
            ChangeRetentionSeconds = options.ChangeRetention.TotalSeconds,
            MaxChangeWaitSeconds = options.MaxChangeWait.TotalSeconds,
            MaxObjectSize = info.Limits.MaxObjectSize is { } max ? Math.Min(max, options.MaxObjectSize) : options.MaxObjectSize,
            MaxItems = quota is not null ? quota.MaxItems : admin ? info.Limits.MaxItems : null,
            QuotaUsed = quota is not null ? quota.UsedBytes : admin ? info.Limits.QuotaUsed : null,
            QuotaTotal = quota is not null ? quota.MaxBytes : admin ? info.Limits.QuotaTotal : null,
            QuotaItemsUsed = quota?.UsedItems,
            ApiVersion = "1",
        }, CloudJson.Options);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
