namespace Atomiton.Storage.Testing;

// Catalogue 49: honest capabilities, plus information, limits and disposal (E-n: bad input and errors).
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue 49: the engine declares what the kit needs to set up and observe anything: read, write and list.</summary>
    [Fact]
    public void Engine_declares_read_write_and_list()
    {
        var needed = StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.List;
        Assert.True(Supports(needed), $"The kit needs {needed}; the engine declares {Engine.Capabilities}.");
        Assert.False(string.IsNullOrWhiteSpace(Engine.EngineType), "EngineType names the engine");
    }

    /// <summary>Catalogue 49: GetInfo reports the engine's type and the capabilities it declares, and that it is connected.</summary>
    [Fact]
    public async Task Info_reports_type_capabilities_and_connection()
    {
        var info = await Engine.GetInfoAsync();

        Assert.Equal(Engine.EngineType, info.EngineType);
        Assert.Equal(Engine.Capabilities, info.Capabilities);
        Assert.True(info.IsConnected, "a freshly created engine is connected");
        Assert.Contains(info.Platform, new[] { "browser", "desktop", "server", "cloud", "any" });
        Assert.NotNull(info.Limits);
    }

    /// <summary>
    /// Catalogue T-1: GetInfo reports the engine's own traits and key rules, and they agree with its capabilities:
    /// unordered listing exactly when a listing engine does not declare OrderedList, case-insensitive rules exactly
    /// with the CaseInsensitiveKeys trait, and a batch size only with DeleteMany's batches.
    /// </summary>
    [Fact]
    public async Task Info_reports_traits_and_key_rules_that_agree_with_the_engine()
    {
        var info = await Engine.GetInfoAsync();
        var rules = Engine.KeyRules;

        Assert.Equal(Engine.Traits, info.Traits);
        Assert.Equal(rules.MaxKeyBytes, info.KeyRules.MaxKeyBytes);
        Assert.Equal(rules.MaxSegmentBytes, info.KeyRules.MaxSegmentBytes);
        Assert.Equal(rules.CaseInsensitive, info.KeyRules.CaseInsensitive);
        Assert.Equal(rules.ForbiddenCharacters, info.KeyRules.ForbiddenCharacters);
        Assert.Equal(rules.ReservedNames, info.KeyRules.ReservedNames);
        Assert.True(rules.MaxKeyBytes > 0 && rules.MaxSegmentBytes > 0, $"Key rules allow keys of {rules.MaxKeyBytes} bytes and segments of {rules.MaxSegmentBytes}: declare positive limits.");
        Assert.True(rules.CaseInsensitive == Has(StorageTraits.CaseInsensitiveKeys),
            $"KeyRules.CaseInsensitive is {rules.CaseInsensitive} but the CaseInsensitiveKeys trait is {(Has(StorageTraits.CaseInsensitiveKeys) ? "" : "not ")}declared: the two say the same thing.");
        if (Supports(StorageCapabilities.List))
        {
            Assert.True(Has(StorageTraits.UnorderedListing) != Ordered,
                $"{Engine.EngineType} declares {(Ordered ? "OrderedList and the UnorderedListing trait" : "neither OrderedList nor the UnorderedListing trait")}: a listing engine declares exactly one.");
        }

        Assert.True(info.Limits.MaxDeleteBatch is null or > 0, $"MaxDeleteBatch is {info.Limits.MaxDeleteBatch}: declare a positive batch size or none.");
    }

    /// <summary>Catalogue 49: every optional operation the engine declares works; every one it does not declare throws UnsupportedOperation and changes nothing.</summary>
    [Fact]
    public async Task Declared_capabilities_work_and_undeclared_ones_throw_Unsupported()
    {
        var saved = await SaveAsync("probe", Content(16));
        var probes = new (StorageCapabilities Capability, Func<Task> Operation)[]
        {
            (StorageCapabilities.RangeRead, async () => await LoadAsync("probe", new ReadOptions { Range = ByteRange.From(1, 2) })),
            (StorageCapabilities.ConditionalRead, async () => await LoadAsync("probe", new ReadOptions { IfNoneMatch = "\"other\"" })),
            (StorageCapabilities.ShallowList, () => ListAsync(new ListOptions { Recursive = false })),
            (StorageCapabilities.ContentType, async () => await SaveAsync("probe-type", Content(1), new SaveOptions { ContentType = "text/plain" })),
            (StorageCapabilities.UserMetadata, async () => await SaveAsync("probe-meta", Content(1), new SaveOptions { Metadata = new Dictionary<string, string> { ["a"] = "b" } })),
            (StorageCapabilities.CreateOnly, async () => await SaveAsync("probe-new", Content(1), new SaveOptions { Condition = WriteCondition.IfNotExists })),
            (StorageCapabilities.ConditionalWrite, async () => await SaveAsync("probe", Content(16), new SaveOptions { Condition = WriteCondition.IfMatch(saved.ETag) })),
            (StorageCapabilities.Delete, async () => await Engine.DeleteAsync("probe-missing")),
            (StorageCapabilities.RecursiveList, () => DrainAsync(new ListOptions { Recursive = true })),
            (StorageCapabilities.OrderedList, () => DrainAsync(new ListOptions { StartAfter = "a", Recursive = Supports(StorageCapabilities.RecursiveList) })),
        };

        var failures = new List<string>();
        foreach (var (capability, operation) in probes)
        {
            var error = await Record.ExceptionAsync(operation);
            bool declared = Supports(capability);
            if (declared && error is not null)
            {
                failures.Add($"{capability} is declared but failed: {error.GetType().Name} {(error as StorageException)?.Code} {error.Message}");
            }
            else if (!declared && error is not StorageException { Code: StorageErrorCode.UnsupportedOperation })
            {
                failures.Add($"{capability} is not declared but {(error is null ? "worked" : $"threw {error.GetType().Name} {(error as StorageException)?.Code}")} instead of UnsupportedOperation");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // Refused operations changed nothing (catalogue R-1).
        if (!Supports(StorageCapabilities.ConditionalWrite))
        {
            await AssertUnchangedAsync(saved, Content(16));
        }

        foreach (var (capability, key) in new[] { (StorageCapabilities.ContentType, "probe-type"), (StorageCapabilities.UserMetadata, "probe-meta"), (StorageCapabilities.CreateOnly, "probe-new") })
        {
            if (!Supports(capability))
            {
                await AssertAbsentAsync(key);
            }
        }
    }

    private async Task DrainAsync(ListOptions options)
    {
        await foreach (var entry in Engine.ListAsync(options))
        {
            _ = entry;
        }
    }

    /// <summary>
    /// Catalogue 49: an engine that declares NativeCopy or NativeMove does not run <see cref="StorageEngine"/>'s
    /// fallback (a copy streamed through load and save; a move as copy then delete), not even by calling the base method.
    /// Only observable on engines derived from <see cref="StorageEngine"/>; see the kit's README for what cannot be checked.
    /// </summary>
    [SkippableFact]
    public async Task Declared_native_copy_and_move_do_not_run_the_streaming_fallback()
    {
        bool copy = Supports(StorageCapabilities.NativeCopy);
        bool move = Supports(StorageCapabilities.NativeMove | StorageCapabilities.Delete);
        Skip.If(!copy && !move, $"{Engine.EngineType} declares neither NativeCopy nor NativeMove: there is no native transfer to check (copy and move themselves are checked by the CopyMove cases).");
        Skip.IfNot(CreatedEngine is StorageEngine, $"NativeCopy/NativeMove of {CreatedEngine.GetType().FullName} cannot be checked: it implements IStorageEngine without deriving from StorageEngine, whose fallback counters the case reads.");
        var engine = (StorageEngine)CreatedEngine;

        var failures = new List<string>();
        await SaveAsync("native/source", Content(1000));
        if (copy)
        {
            int before = engine.FallbackCopies;
            await Engine.CopyAsync("native/source", "native/copy");
            if (engine.FallbackCopies != before)
            {
                failures.Add("NativeCopy is declared, but CopyAsync ran StorageEngine's fallback (the source streamed through load and save). Override CopyCoreAsync with the backend's own copy, or do not declare NativeCopy.");
            }
        }

        if (move)
        {
            int before = engine.FallbackMoves;
            await Engine.MoveAsync("native/source", "native/moved");
            if (engine.FallbackMoves != before)
            {
                failures.Add("NativeMove is declared, but MoveAsync ran StorageEngine's fallback (copy, then delete the source). Override MoveCoreAsync with the backend's own move, or do not declare NativeMove.");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// Catalogue 49: Durable (on stable storage when a save returns) implies Persistent (survives the process).
    /// Whether a save really reached stable storage cannot be observed in-process; see the kit's README.
    /// </summary>
    [Fact]
    public void Declared_durability_implies_persistence()
    {
        Assert.False(Supports(StorageCapabilities.Durable) && !Supports(StorageCapabilities.Persistent),
            $"{Engine.EngineType} declares Durable but not Persistent ({Engine.Capabilities}): a save on stable storage survives the process. Declare Persistent too, or do not declare Durable.");
    }

    /// <summary>Catalogue 49: an engine that declares Quota reports usage and total, and usage grows with content.</summary>
    [SkippableFact]
    public async Task Declared_quota_is_reported_and_tracks_usage()
    {
        var before = (await Engine.GetInfoAsync()).Limits;
        SkipUnless(StorageCapabilities.Quota, "there is no declared quota to check (reporting usage without declaring Quota is allowed)");

        Assert.NotNull(before.QuotaUsed);
        Assert.NotNull(before.QuotaTotal);
        await SaveAsync("quota/one", Content(1000));
        var after = (await Engine.GetInfoAsync()).Limits;
        Assert.True(after.QuotaUsed > before.QuotaUsed, $"QuotaUsed stayed at {before.QuotaUsed} after a 1000-byte save");
    }

    /// <summary>Catalogue E-1: an object larger than the declared MaxObjectSize fails with ObjectTooLarge (or QuotaExceeded) and leaves stored data untouched.</summary>
    [SkippableFact]
    public async Task Object_over_the_declared_size_limit_is_refused_and_changes_nothing()
    {
        var limits = (await Engine.GetInfoAsync()).Limits;
        long? limit = new[] { limits.MaxObjectSize, limits.QuotaTotal - limits.QuotaUsed }.Where(l => l is not null).Min();
        Skip.If(limit is null || limit > 16 * 1024 * 1024, $"{Engine.EngineType} declares no object size limit or free quota under 16 MiB (MaxObjectSize {limits.MaxObjectSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, QuotaTotal {limits.QuotaTotal?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): there is no limit to exceed cheaply.");

        var original = Content(1);
        var before = await SaveAsync("limited", original);
        int size = (int)limit.Value + 1;
        var error = await Assert.ThrowsAsync<StorageException>(async () => await Engine.SaveAsync("limited", new SourceStream(size)));
        Assert.Contains(error.Code, new[] { StorageErrorCode.ObjectTooLarge, StorageErrorCode.QuotaExceeded });
        Assert.Equal("limited", error.Key);
        await AssertFailsAsync(error.Code, async () => await Engine.SaveAsync("limited-new", new SourceStream(size), new SaveOptions { ExpectedLength = size }));

        await AssertUnchangedAsync(before, original);
        await AssertAbsentAsync("limited-new");
    }

    /// <summary>Catalogue E-2: once the declared item limit is reached, saving a new key fails with QuotaExceeded and changes nothing; overwriting an existing key still works.</summary>
    [SkippableFact]
    public async Task Saving_past_the_declared_item_limit_fails_with_QuotaExceeded()
    {
        var limits = (await Engine.GetInfoAsync()).Limits;
        Skip.IfNot(limits.MaxItems is <= 1000, $"{Engine.EngineType} declares no item limit of 1,000 or fewer (MaxItems {limits.MaxItems?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): there is no limit to reach cheaply.");
        long maxItems = limits.MaxItems!.Value;

        for (int i = 0; i < maxItems; i++)
        {
            await SaveAsync($"items/{i:D4}", Content(1));
        }

        await AssertFailsAsync(StorageErrorCode.QuotaExceeded, async () => await SaveAsync("items/one-too-many", Content(1)));
        await AssertAbsentAsync("items/one-too-many");
        Assert.Equal(maxItems, (await ListKeysAsync("items/")).Count);
        await SaveAsync("items/0000", Content(1, seed: 2));
        Assert.Equal(maxItems, (await ListKeysAsync("items/")).Count);
    }

    /// <summary>Catalogue E-3: every operation on a disposed engine throws ObjectDisposedException; disposing twice is harmless.</summary>
    [Fact]
    public async Task Operations_on_a_disposed_engine_throw_ObjectDisposedException()
    {
        await SaveAsync("k", Content(1));
        await Engine.DisposeAsync();
        await Engine.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await SaveAsync("k", Content(1)));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Engine.OpenReadAsync("k"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Engine.StatAsync("k"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Engine.ExistsAsync("k"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Engine.DeleteAsync("k"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Engine.CopyAsync("k", "c"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Engine.MoveAsync("k", "c"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Engine.GetInfoAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ListAsync());
    }

    /// <summary>Catalogue E-4: errors name the provider, the operation and the key, so a failure in a pipeline says where it happened.</summary>
    [Fact]
    public async Task Errors_name_the_provider_operation_and_key()
    {
        var error = await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.StatAsync("where/is/it"));

        Assert.Equal("where/is/it", error.Key);
        Assert.False(string.IsNullOrEmpty(error.Provider), "the error names the provider");
        Assert.False(string.IsNullOrEmpty(error.Operation), "the error names the operation");
        Assert.Contains("where/is/it", error.Message, StringComparison.Ordinal);
    }
}
