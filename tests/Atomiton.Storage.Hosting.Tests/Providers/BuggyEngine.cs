using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>
/// A backend with a bug: stat and save (after reading the whole source) throw InvalidOperationException,
/// a load's content stream throws it on the first read, a listing throws KeyNotFoundException after one
/// entry, and delete throws OperationCanceledException (which is not a bug and must pass through).
/// </summary>
public sealed class BuggyEngine(BuggyOptions options) : StorageEngine
{
    public const string Bug = "simulated engine bug";

    /// <summary>How many stat calls reached each tagged engine.</summary>
    public static ConcurrentDictionary<string, int> Calls { get; } = new();

    public override string EngineType => "buggy";

    public override StorageCapabilities Capabilities => StorageCapabilities.Standard;

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

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield return StorageEntry.ForItem(Item("a"));
        throw new KeyNotFoundException(Bug);
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

    private sealed class BrokenStream : MemoryStream
    {
        public BrokenStream()
            : base([1, 2, 3])
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException(Bug);

        public override int Read(Span<byte> buffer) => throw new InvalidOperationException(Bug);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Bug);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new InvalidOperationException(Bug);
    }
}
