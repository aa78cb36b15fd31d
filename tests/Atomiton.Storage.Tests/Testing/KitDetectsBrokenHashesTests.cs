using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;
using Xunit.Sdk;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The kit's hash and last-modified cases (catalogue H-1, H-5, H-7) fail engines that lie about them, and pass the honest memory engine.</summary>
public sealed class KitDetectsBrokenHashesTests
{
    [Fact]
    public async Task Hash_case_catches_an_engine_whose_hashes_lie()
    {
        var error = await RunAsync(() => new LyingHashesEngine(new MemoryEngine()), k => k.Declared_hashes_are_present_and_correct_on_save_stat_and_list_items());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("sha256", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_case_catches_an_engine_that_declares_hashes_it_leaves_out()
    {
        var error = await RunAsync(() => new MissingHashesEngine(new MemoryEngine()), k => k.Declared_hashes_are_present_and_correct_on_save_stat_and_list_items());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("lacks the declared sha256", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Last_modified_case_catches_an_engine_that_declares_SetLastModified_but_drops_it()
    {
        var error = await RunAsync(() => new DroppingLastModifiedEngine(new MemoryEngine()), k => k.Last_modified_round_trips_to_the_declared_precision_independent_of_Updated());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("lost LastModified", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_case_catches_a_copy_that_drops_the_last_modified_time()
    {
        var error = await RunAsync(() => new DroppingLastModifiedEngine(new MemoryEngine(), onlyOnCopy: true), k => k.Copy_and_move_keep_hashes_and_last_modified());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Honest_memory_engine_passes_the_same_cases()
    {
        Assert.Null(await RunAsync(() => new MemoryEngine(), k => k.Declared_hashes_are_present_and_correct_on_save_stat_and_list_items()));
        Assert.Null(await RunAsync(() => new MemoryEngine(), k => k.Last_modified_round_trips_to_the_declared_precision_independent_of_Updated()));
        Assert.Null(await RunAsync(() => new MemoryEngine(), k => k.Copy_and_move_keep_hashes_and_last_modified()));
    }

    private static async Task<Exception?> RunAsync(Func<IStorageEngine> create, Func<Kit, Task> test)
    {
        var kit = new Kit(create);
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

    /// <summary>Reports, for every item, the SHA-256 of the content with its first byte flipped.</summary>
    private sealed class LyingHashesEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "lying-hashes";

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            Lie(await base.SaveCoreAsync(key, content, options, cancellationToken));

        protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
            Lie(await base.StatCoreAsync(key, cancellationToken));

        private static StorageItem Lie(StorageItem item) =>
            item with { Hashes = new Dictionary<string, string> { [StorageHashAlgorithms.Sha256] = StorageContentHash.Compute(StorageHashAlgorithms.Sha256, [0x5A]) } };
    }

    /// <summary>Declares ContentHashes (as memory does) but returns items without hashes.</summary>
    private sealed class MissingHashesEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "missing-hashes";

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            (await base.SaveCoreAsync(key, content, options, cancellationToken)) with { Hashes = StorageItem.EmptyMetadata };
    }

    /// <summary>Declares SetLastModified (as memory does) but never passes the time on (or only loses it on copies).</summary>
    private sealed class DroppingLastModifiedEngine(IStorageEngine inner, bool onlyOnCopy = false) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "dropping-last-modified";

        protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            base.SaveCoreAsync(key, content, onlyOnCopy ? options : options with { LastModified = null }, cancellationToken);

        protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
        {
            await using var source = await Inner.OpenReadAsync(sourceKey, null, cancellationToken);
            return await Inner.SaveAsync(destinationKey, source.Content, new SaveOptions { Condition = condition }, cancellationToken);
        }
    }

    private sealed class Kit(Func<IStorageEngine> create) : StorageConformanceTests
    {
        protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult(create());
    }
}
