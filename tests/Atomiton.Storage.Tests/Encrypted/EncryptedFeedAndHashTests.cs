using System.Globalization;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The change feed passes through with plaintext keys and items; the inner engine's ciphertext hashes never reach callers.</summary>
public sealed class EncryptedFeedAndHashTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Changes_come_with_plaintext_keys_sizes_and_tombstones(bool encryptKeys)
    {
        var inner = new FeedEngine(new MemoryEngine());
        await using var engine = await WithKeyAsync(inner, encryptKeys: encryptKeys);
        string cursor = await engine.GetChangeCursorAsync("docs/a");
        await engine.SaveAsync("docs/a.txt", new byte[10]);
        await engine.SaveAsync("docs/b.txt", new byte[3]);
        await engine.SaveAsync("other/a.txt", new byte[3]);
        await engine.DeleteAsync("docs/a.txt");

        var page = await engine.ReadChangesAsync(cursor);

        Assert.Equal([("docs/a.txt", StorageChangeKind.Upserted), ("docs/a.txt", StorageChangeKind.Deleted)], page.Changes.Select(c => (c.Key, c.Kind)));
        Assert.Equal(10, page.Changes[0].Item!.Size);
        Assert.Empty(page.Changes[0].Item!.Hashes);
        Assert.Null(page.Changes[1].Item);
        Assert.Empty((await engine.ReadChangesAsync(page.Cursor)).Changes);
    }

    [Fact]
    public async Task Ciphertext_hashes_are_stripped_and_not_declared()
    {
        await using var engine = await WithKeyAsync(new FeedEngine(new MemoryEngine()), encryptKeys: true);

        var saved = await engine.SaveAsync("k", new byte[] { 1, 2, 3 });
        var listed = await engine.ListAsync().SingleAsync();

        Assert.Empty(saved.Hashes);
        Assert.Empty((await engine.StatAsync("k")).Hashes);
        Assert.Empty(listed.Item!.Hashes);
        Assert.False(engine.Capabilities.HasFlag(StorageCapabilities.ContentHashes));
        Assert.Empty((await engine.GetInfoAsync()).HashAlgorithms);
    }

    /// <summary>A pass-through with a change log (every save and delete) and a made-up hash on every item.</summary>
    private sealed class FeedEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        private readonly List<StorageChange> _log = [];

        public override string EngineType => "feed";

        public override StorageCapabilities Capabilities => base.Capabilities | StorageCapabilities.ChangeFeed | StorageCapabilities.ContentHashes;

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
        {
            var item = Hashed(await Inner.SaveAsync(key, content, options, cancellationToken));
            lock (_log)
            {
                _log.Add(new StorageChange(StorageChangeKind.Upserted, key, item));
            }

            return item;
        }

        protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
        {
            bool deleted = await Inner.DeleteAsync(key, options, cancellationToken);
            lock (_log)
            {
                _log.Add(new StorageChange(StorageChangeKind.Deleted, key));
            }

            return deleted;
        }

        protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
            Hashed(await Inner.StatAsync(key, cancellationToken));

        protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var entry in Inner.ListAsync(options, cancellationToken))
            {
                yield return entry.Item is null ? entry : entry with { Item = Hashed(entry.Item) };
            }
        }

        protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
        {
            lock (_log)
            {
                return ValueTask.FromResult(prefix + "|" + _log.Count.ToString(CultureInfo.InvariantCulture));
            }
        }

        protected override ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
        {
            int bar = cursor.LastIndexOf('|');
            string prefix = cursor[..bar];
            int after = int.Parse(cursor[(bar + 1)..], CultureInfo.InvariantCulture);
            lock (_log)
            {
                var changes = _log.Skip(after).Where(change => change.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                return ValueTask.FromResult(new StorageChangePage { Changes = changes, Cursor = prefix + "|" + _log.Count.ToString(CultureInfo.InvariantCulture) });
            }
        }

        private static StorageItem Hashed(StorageItem item) => item with { Hashes = new Dictionary<string, string> { [StorageHashAlgorithms.Sha256] = "00" } };
    }
}
