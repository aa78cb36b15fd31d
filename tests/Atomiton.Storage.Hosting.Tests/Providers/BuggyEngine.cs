using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>
/// A backend with a bug: stat and save (after reading the whole source) throw InvalidOperationException,
/// a load's content stream throws it on the first read, a listing throws KeyNotFoundException after one
/// entry, delete throws OperationCanceledException (which is not a bug and must pass through), batch
/// delete throws ArgumentOutOfRangeException, the change feed FormatException, and dedupe
/// NotSupportedException after one key.
/// </summary>
public sealed class BuggyEngine(BuggyOptions options) : StorageEngine, IStorageDeduplicator
{
    public const string Bug = "simulated engine bug";

    /// <summary>How many stat calls reached each tagged engine.</summary>
    public static ConcurrentDictionary<string, int> Calls { get; } = new();

    public override string EngineType => "buggy";

    public override StorageCapabilities Capabilities => StorageCapabilities.Standard | StorageCapabilities.ChangeFeed;

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        await content.CopyToAsync(Stream.Null, cancellationToken);
        throw new InvalidOperationException(Bug);
    }

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StorageReadResult(Item(key), new BrokenStream()));

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(options.Tag, 1, (_, count) => count + 1);
        throw new InvalidOperationException(Bug);
    }

    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        throw new OperationCanceledException("the backend's own cancellation");

    protected override ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        throw new ArgumentOutOfRangeException(nameof(keys), Bug);

    protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken) =>
        throw new FormatException(Bug);

    protected override ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken) =>
        throw new FormatException(Bug);

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield return StorageEntry.ForItem(Item("a"));
        throw new KeyNotFoundException(Bug);
    }

    public async IAsyncEnumerable<StorageDuplicateSet> DedupeAsync(string prefix = "", bool dryRun = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield return new StorageDuplicateSet { Key = prefix + "twice", Kept = Item(prefix + "twice"), Removed = 1 };
        throw new NotSupportedException(Bug);
    }

    protected override ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StorageInfo { EngineType = EngineType, Platform = "any", IsConnected = true, Capabilities = Capabilities });

    private static StorageItem Item(string key) => new()
    {
        Key = key,
        Size = 3,
        Created = DateTimeOffset.UnixEpoch,
        Updated = DateTimeOffset.UnixEpoch,
        ETag = "\"1\"",
    };

    /// <summary>A three-byte stream whose every read throws (not a MemoryStream, whose copies bypass Read).</summary>
    private sealed class BrokenStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => 3;

        public override long Position
        {
            get => 0;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException(Bug);

        public override int Read(Span<byte> buffer) => throw new InvalidOperationException(Bug);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Bug);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new InvalidOperationException(Bug);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
