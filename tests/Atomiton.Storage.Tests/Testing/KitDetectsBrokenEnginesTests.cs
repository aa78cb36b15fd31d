using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;
using Xunit.Sdk;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The kit's cases could fail: each broken engine here makes the case written for its bug fail, and the model check reports a seed and a shrunk sequence.</summary>
public sealed class KitDetectsBrokenEnginesTests
{
    [Fact]
    public async Task Model_check_catches_a_delete_that_removes_siblings_and_prints_seed_and_shrunk_sequence()
    {
        var kit = new Kit(() => new SiblingDeletingEngine(new MemoryEngine()));

        var error = await RunAsync(kit, k => k.Random_operation_sequences_match_a_dictionary_model());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("seed 42", error!.Message, StringComparison.Ordinal);
        Assert.Contains("ModelCheckSeed => 42UL", error.Message, StringComparison.Ordinal);
        Assert.Contains("Shrunk", error.Message, StringComparison.Ordinal);
        Assert.Contains("delete '", error.Message, StringComparison.Ordinal);
        Assert.Single(kit.Logged);
    }

    [Fact]
    public async Task Model_check_with_the_same_seed_replays_the_same_failure()
    {
        var first = await RunAsync(new Kit(() => new SiblingDeletingEngine(new MemoryEngine())), k => k.Random_operation_sequences_match_a_dictionary_model());
        var second = await RunAsync(new Kit(() => new SiblingDeletingEngine(new MemoryEngine())), k => k.Random_operation_sequences_match_a_dictionary_model());

        Assert.NotNull(first);
        Assert.Equal(first.Message, second?.Message);
    }

    [Fact]
    public async Task Bounded_memory_case_catches_a_load_that_buffers_the_whole_object()
    {
        var error = await RunAsync(new Kit(() => new BufferingReadEngine(new MemoryEngine())), k => k.Large_object_round_trips_in_bounded_memory());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("Loading a", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bounded_memory_case_bounds_the_save_of_an_engine_that_says_it_does_not_hold_content_in_memory()
    {
        var error = await RunAsync(new Kit(() => new MemoryEngine(), holdsContentInMemory: false), k => k.Large_object_round_trips_in_bounded_memory());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("Saving a", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constant_memory_listing_case_catches_a_listing_that_collects_everything()
    {
        var error = await RunAsync(new Kit(() => new CollectingListEngine(new MemoryEngine())), k => k.Many_keys_list_exactly_once_in_order_in_constant_memory());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("retained", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_source_case_catches_a_save_that_keeps_partial_content()
    {
        var error = await RunAsync(new Kit(() => new PartialWriteEngine(new MemoryEngine())), k => k.Source_that_throws_midway_surfaces_the_error_and_writes_nothing());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Same_engines_pass_the_cases_their_bugs_do_not_touch()
    {
        Assert.Null(await RunAsync(new Kit(() => new BufferingReadEngine(new MemoryEngine())), k => k.Saved_bytes_load_back_exactly_and_stat_reports_their_length()));
        Assert.Null(await RunAsync(new Kit(() => new CollectingListEngine(new MemoryEngine())), k => k.Paging_returns_every_key_exactly_once()));
    }

    [Fact]
    public async Task Native_copy_and_move_case_catches_an_engine_that_declares_them_but_streams_through_the_fallback()
    {
        var error = await RunAsync(new Kit(() => new FallbackTransferEngine(new MemoryEngine())), k => k.Declared_native_copy_and_move_do_not_run_the_streaming_fallback());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("NativeCopy is declared", error!.Message, StringComparison.Ordinal);
        Assert.Contains("NativeMove is declared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Native_copy_and_move_case_passes_an_engine_whose_copy_and_move_are_its_own()
    {
        Assert.Null(await RunAsync(new Kit(() => new MemoryEngine()), k => k.Declared_native_copy_and_move_do_not_run_the_streaming_fallback()));
    }

    [Fact]
    public async Task Durability_case_catches_an_engine_that_declares_Durable_without_Persistent()
    {
        var error = await RunAsync(new Kit(() => new NotPersistentDurableEngine(new MemoryEngine())), k =>
        {
            k.Declared_durability_implies_persistence();
            return Task.CompletedTask;
        });

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("declares Durable but not Persistent", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task If_match_delete_case_catches_an_undeclared_if_match_delete_that_deletes_and_then_throws_Conflict()
    {
        var error = await RunAsync(new Kit(() => new DishonestIfMatchDeleteEngine(new MemoryEngine())), k => k.If_match_delete_deletes_only_the_expected_version());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("UnsupportedOperation", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Case_case_catches_an_engine_that_folds_case_but_claims_case_sensitivity()
    {
        var error = await RunAsync(new Kit(() => new CasePreservingEngine(new MemoryEngine(), declared: false)), k => k.Keys_differing_only_in_case_are_two_keys_unless_declared_case_insensitive());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Listing_cases_catch_an_unordered_engine_that_lists_a_key_twice()
    {
        var error = await RunAsync(new Kit(() => new RepeatingListEngine(new UnorderedTokenEngine(new MemoryEngine()))), k => k.Paging_returns_every_key_exactly_once());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("more than once", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Continuation_token_case_catches_a_token_that_resumes_from_the_start_of_its_page()
    {
        var error = await RunAsync(new Kit(() => new PageRestartingTokenEngine(new UnorderedTokenEngine(new MemoryEngine()))), k => k.Continuation_token_of_every_entry_resumes_with_exactly_the_rest());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("resumed after", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Longest_keys_case_catches_an_engine_that_refuses_keys_its_rules_accept()
    {
        var error = await RunAsync(new Kit(() => new ShortSegmentEngine(new MemoryEngine())), k => k.Longest_valid_keys_are_accepted());

        Assert.NotNull(error);
        Assert.IsNotType<Xunit.SkipException>(error);
    }

    [Fact]
    public async Task Cases_that_do_not_apply_are_skipped_with_the_reason_never_passed()
    {
        var quota = await RunAsync(new Kit(() => new MemoryEngine()), k => k.Declared_quota_is_reported_and_tracks_usage());
        var ordered = await RunAsync(new Kit(() => new UnorderedTokenEngine(new MemoryEngine())), k => k.StartAfter_resumes_with_only_the_remaining_keys_in_order());
        var native = await RunAsync(new Kit(() => new DishonestIfMatchDeleteEngine(new MemoryEngine())), k => k.Declared_native_copy_and_move_do_not_run_the_streaming_fallback());
        var clock = await RunAsync(new Kit(() => new MemoryEngine()), k => k.Updated_never_goes_back_even_if_the_clock_does());

        Assert.Contains("does not declare Quota", Assert.IsType<Xunit.SkipException>(quota).Message, StringComparison.Ordinal);
        Assert.Contains("does not declare OrderedList", Assert.IsType<Xunit.SkipException>(ordered).Message, StringComparison.Ordinal);
        Assert.Contains("without deriving from StorageEngine", Assert.IsType<Xunit.SkipException>(native).Message, StringComparison.Ordinal);
        Assert.Contains("Clock", Assert.IsType<Xunit.SkipException>(clock).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clock_case_catches_an_engine_whose_Updated_follows_the_clock_back()
    {
        var error = await RunAsync(new Kit(clock => new ClockFollowingEngine(new MemoryEngine(null, clock), clock), takesClock: true), k => k.Updated_never_goes_back_even_if_the_clock_does());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("Updated went back", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clock_case_passes_the_memory_engine_over_the_kit_clock()
    {
        Assert.Null(await RunAsync(new Kit(clock => new MemoryEngine(null, clock), takesClock: true), k => k.Updated_never_goes_back_even_if_the_clock_does()));
    }

    [Fact]
    public async Task Root_prefix_mode_runs_a_case_under_a_fresh_prefix_and_removes_it_afterwards()
    {
        var shared = new MemoryEngine();
        await shared.SaveAsync("outside", new ReadOnlyMemory<byte>([7]));
        var kit = new Kit(() => new PassThroughEngine(shared, ownsInner: false), freshPrefix: true);

        Assert.Null(await RunAsync(kit, k => k.Empty_store_lists_nothing()));
        Assert.Null(await RunAsync(kit, k => k.Deleting_a_prefix_removes_that_subtree_only()));
        Assert.Null(await RunAsync(kit, k => k.Longest_valid_keys_are_accepted()));

        var left = new List<string>();
        await foreach (var entry in shared.ListAsync())
        {
            left.Add(entry.Key);
        }

        Assert.Equal(["outside"], left);
    }

    private static async Task<Exception?> RunAsync(Kit kit, Func<Kit, Task> test)
    {
        await kit.InitializeAsync();
        try
        {
            return await Record.ExceptionAsync(() => test(kit));
        }
        finally
        {
            await kit.DisposeAsync();
        }
    }

    /// <summary>Passes memory's NativeCopy and NativeMove through but copies and moves through StorageEngine's fallback.</summary>
    private sealed class FallbackTransferEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "fallback-transfer";

        public override StorageCapabilities Capabilities => Inner.Capabilities;
    }

    /// <summary>Claims saves are on stable storage while content lives in memory.</summary>
    private sealed class NotPersistentDurableEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "not-persistent-durable";

        public override StorageCapabilities Capabilities => Inner.Capabilities | StorageCapabilities.Durable;
    }

    /// <summary>Lists every entry of the inner listing, and its first entry once more at the end.</summary>
    private sealed class RepeatingListEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "repeating-list";

        protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            StorageEntry? first = null;
            await foreach (var entry in Inner.ListAsync(options, cancellationToken))
            {
                first ??= entry;
                yield return entry;
            }

            if (first is not null)
            {
                yield return first;
            }
        }
    }

    /// <summary>Hands out, for every entry, the token of the first entry of the listing: resuming repeats entries.</summary>
    private sealed class PageRestartingTokenEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "page-restarting-token";

        protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? firstToken = null;
            await foreach (var entry in Inner.ListAsync(options, cancellationToken))
            {
                firstToken ??= entry.ContinuationToken;
                yield return entry with { ContinuationToken = firstToken };
            }
        }
    }

    /// <summary>Declares the default key rules but refuses segments over 200 bytes, as encrypted names once did silently.</summary>
    private sealed class ShortSegmentEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "short-segment";

        protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            key.Split('/').Any(segment => System.Text.Encoding.UTF8.GetByteCount(segment) > 200)
                ? throw new StorageException(StorageErrorCode.InvalidKey, $"Key '{key}' has a segment over 200 bytes.")
                : base.SaveCoreAsync(key, content, options, cancellationToken);
    }

    /// <summary>Stamps Updated with the clock as it is, even when it went back.</summary>
    private sealed class ClockFollowingEngine(IStorageEngine inner, TimeProvider clock) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "clock-following";

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            (await base.SaveCoreAsync(key, content, options, cancellationToken)) with { Updated = clock.GetUtcNow() };
    }

    /// <summary>The kit over an engine made by <paramref name="create"/>; not public, so xunit does not run it as a suite of its own.</summary>
    private sealed class Kit(Func<TimeProvider, IStorageEngine> create, bool holdsContentInMemory = true, bool takesClock = false, bool freshPrefix = false) : StorageConformanceTests
    {
        public Kit(Func<IStorageEngine> create, bool holdsContentInMemory = true, bool freshPrefix = false)
            : this(_ => create(), holdsContentInMemory, takesClock: false, freshPrefix)
        {
        }

        public List<string> Logged { get; } = [];

        protected override bool HoldsContentInMemory => holdsContentInMemory;

        protected override bool EngineTakesClock => takesClock;

        protected override bool UsesFreshPrefixPerCase => freshPrefix;

        protected override long LargeObjectSize => 32L * 1024 * 1024;

        protected override ulong? ModelCheckSeed => 42;

        protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult(create(Clock));

        protected override void Log(string message) => Logged.Add(message);
    }
}
