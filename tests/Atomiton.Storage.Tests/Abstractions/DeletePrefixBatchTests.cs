using System.Runtime.CompilerServices;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Tests.Encrypted;

namespace Atomiton.Storage.Tests.Abstractions;

/// <summary><see cref="StorageEngineExtensions.DeletePrefixAsync"/> deletes through DeleteManyAsync in the declared batches, in any listing order.</summary>
public sealed class DeletePrefixBatchTests
{
    [Fact]
    public async Task A_prefix_is_deleted_in_batches_of_the_declared_size()
    {
        var memory = new MemoryEngine();
        await SeedAsync(memory, "dir/", 30);
        await memory.SaveAsync("dirt", new byte[] { 1 });
        await using var engine = new BatchCountingEngine(memory, maxBatch: 7, ordered: true);

        Assert.Equal(30, await engine.DeletePrefixAsync("dir/"));

        Assert.Equal([7, 7, 7, 7, 2], engine.Batches);
        Assert.True(await memory.ExistsAsync("dirt"));
        Assert.Equal(1, memory.Count);
    }

    [Fact]
    public async Task An_unordered_engine_loses_its_whole_prefix_and_nothing_else()
    {
        var memory = new MemoryEngine();
        await using var engine = new BatchCountingEngine(memory, maxBatch: 6, ordered: false);
        await SeedAsync(engine, "a/", 40);
        await SeedAsync(engine, "b/", 5);

        Assert.Equal(40, await engine.DeletePrefixAsync("a/"));

        Assert.Equal(7, engine.Batches.Count);
        Assert.All(engine.Batches, size => Assert.InRange(size, 1, 6));
        Assert.Equal(5, memory.Count);
        Assert.Equal(0, await engine.DeletePrefixAsync("a/"));
    }

    [Fact]
    public async Task Encrypted_names_which_list_unordered_delete_a_subtree()
    {
        await using var engine = await EncryptedTestEngines.WithKeyAsync(new MemoryEngine(), encryptKeys: true);
        await SeedAsync(engine, "docs/", 300);
        await SeedAsync(engine, "docs-old/", 3);

        Assert.Equal(300, await engine.DeletePrefixAsync("docs/"));

        Assert.Equal(3, await engine.ListAsync().CountAsync());
    }

    private static async Task SeedAsync(IStorageEngine engine, string prefix, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await engine.SaveAsync($"{prefix}{i:D3}", new byte[] { 1 });
        }
    }

    /// <summary>Declares batch delete with a small batch, records each batch, and optionally lists in reverse (unordered).</summary>
    private sealed class BatchCountingEngine(IStorageEngine inner, int maxBatch, bool ordered) : DelegatingStorageEngine(inner)
    {
        public List<int> Batches { get; } = [];

        public override string EngineType => "batch-counting";

        public override StorageCapabilities Capabilities =>
            (base.Capabilities | StorageCapabilities.BatchDelete) & ~(ordered ? StorageCapabilities.None : StorageCapabilities.OrderedList);

        protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
        {
            Assert.InRange(keys.Count, 1, maxBatch);
            lock (Batches)
            {
                Batches.Add(keys.Count);
            }

            return await base.DeleteManyCoreAsync(keys, cancellationToken);
        }

        protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (ordered)
            {
                await foreach (var entry in Inner.ListAsync(options, cancellationToken))
                {
                    yield return entry;
                }

                yield break;
            }

            // Unordered: the inner listing backwards, resumable by the inner key as token.
            var all = await Inner.ListAsync(options with { ContinuationToken = null }, cancellationToken).ToListAsync(cancellationToken);
            foreach (var entry in Enumerable.Reverse(all))
            {
                if (options.ContinuationToken is null || string.CompareOrdinal(entry.Key, options.ContinuationToken) < 0)
                {
                    yield return entry with { ContinuationToken = entry.Key };
                }
            }
        }

        protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
        {
            var info = await base.GetInfoCoreAsync(cancellationToken);
            return info with { Limits = info.Limits with { MaxDeleteBatch = maxBatch } };
        }
    }
}
