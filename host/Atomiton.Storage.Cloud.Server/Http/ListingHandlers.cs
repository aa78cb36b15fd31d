using System.Globalization;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary><c>/v1/list</c> (paged listing inside the caller's tenant) and <c>/v1/info</c>.</summary>
internal sealed class ListingHandlers(IStorageEngine engine, CloudServerOptions options, ListingTokenSealer tokens)
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
        string? continuationToken = query.ContainsKey("continuationToken") ? query["continuationToken"].ToString() : null;
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

        if (startAfter is not null && continuationToken is not null)
        {
            throw CloudRequest.InvalidArgument("Give startAfter or continuationToken, not both: resume with the nextToken of the previous page (or the token of an entry) when the page carries tokens, else with its next.");
        }

        var listOptions = new ListOptions
        {
            Prefix = caller.TenantPrefix + prefix,
            Recursive = recursive,
            PageSize = pageSize,
            KeysOnly = keysOnly,
        };
        return engine.Capabilities.HasFlag(StorageCapabilities.OrderedList)
            ? await ListOrderedAsync(caller, listOptions, startAfter, continuationToken, pageSize, cancellationToken)
            : await ListByTokensAsync(caller, listOptions, prefix, startAfter ?? continuationToken, pageSize, cancellationToken);
    }

    /// <summary>An engine that lists in key order pages by key: <c>next</c> is the last key, sent back as <c>startAfter</c>.</summary>
    private async Task<IResult> ListOrderedAsync(CloudCaller caller, ListOptions listOptions, string? startAfter, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        if (continuationToken is not null)
        {
            throw CloudRequest.InvalidArgument("This server lists in key order and issues no continuation tokens: resume with startAfter, the key of the last entry received (the previous page's next).");
        }

        listOptions = listOptions with { StartAfter = startAfter is null ? null : caller.TenantPrefix + startAfter };
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

    /// <summary>
    /// An engine that lists in its own order resumes only by its continuation tokens, which hold engine keys
    /// (tenant prefix included) and the backend's markers: each entry carries its token sealed for this
    /// tenant and listing, and the page's <c>nextToken</c> is the last one. <c>next</c> carries the same
    /// sealed token, and a sealed token is accepted as <c>startAfter</c>, so clients that page by
    /// <c>next</c> and <c>startAfter</c> alone keep working.
    /// </summary>
    private async Task<IResult> ListByTokensAsync(CloudCaller caller, ListOptions listOptions, string prefix, string? resume, int pageSize, CancellationToken cancellationToken)
    {
        var binding = new ListingTokenSealer.Binding(caller.TenantPrefix, prefix, listOptions.Recursive, listOptions.KeysOnly);
        if (resume is not null)
        {
            listOptions = listOptions with { ContinuationToken = tokens.Open(resume, binding) };
        }

        using var sealing = tokens.Start(binding);
        var entries = new List<WireEntry>(Math.Min(pageSize, 128));
        string? lastEngineToken = null;
        var listing = engine.ListAsync(listOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (listing)
        {
            while (entries.Count < pageSize && await NextAsync(listing, resume is not null))
            {
                var entry = listing.Current;
                lastEngineToken = entry.ContinuationToken;
                entries.Add(new WireEntry(
                    entry.Key[caller.TenantPrefix.Length..],
                    entry.Item is null ? null : WireItem.From(entry.Item, caller.TenantPrefix),
                    lastEngineToken is null ? null : sealing.Seal(lastEngineToken)));
            }
        }

        string? nextToken = null;
        if (entries.Count == pageSize)
        {
            nextToken = entries[^1].Token ?? throw new StorageException(StorageErrorCode.UnsupportedOperation,
                $"The served storage lists in no key order and gave no continuation token, so a listing cannot go past its first page here. List with pageSize {MaxPageSize} (the most), or ask the operator to serve storage that lists in key order or resumes by token.");
        }

        return Results.Json(new WireListPage(entries, nextToken, nextToken), CloudJson.Options);
    }

    /// <summary>
    /// The next entry; an engine refusing the (authentic) token it issued earlier — its backend's marker went
    /// stale — is a token the client cannot use any more, said without the token, which holds engine keys.
    /// </summary>
    private static async ValueTask<bool> NextAsync(IAsyncEnumerator<StorageEntry> listing, bool resumed)
    {
        try
        {
            return await listing.MoveNextAsync();
        }
        catch (StorageException e) when (resumed && e.Code == StorageErrorCode.InvalidArgument)
        {
            throw CloudRequest.InvalidArgument("The storage no longer accepts this listing's continuation token. Start the listing again without a continuation token.");
        }
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
            ListingTokens = true,
            ApiVersion = "1",
        }, CloudJson.Options);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
