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

    /// <summary>The kit over an engine made by <paramref name="create"/>; not public, so xunit does not run it as a suite of its own.</summary>
    private sealed class Kit(Func<IStorageEngine> create, bool holdsContentInMemory = true) : StorageConformanceTests
    {
        public List<string> Logged { get; } = [];

        protected override bool HoldsContentInMemory => holdsContentInMemory;

        protected override long LargeObjectSize => 32L * 1024 * 1024;

        protected override ulong? ModelCheckSeed => 42;

        protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult(create());

        protected override void Log(string message) => Logged.Add(message);
    }
}
