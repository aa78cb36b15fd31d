using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>A backend that only remembers how it was built; data operations are unsupported.</summary>
public sealed class ProbeEngine : StorageEngine
{
    public ProbeEngine(ProbeOptions options, StorageProviderContext context)
    {
        Options = options;
        Context = context;
        if (options.Tag is not null)
        {
            Built[options.Tag] = this;
        }
    }

    /// <summary>Engines built with a tag, by tag.</summary>
    public static ConcurrentDictionary<string, ProbeEngine> Built { get; } = new();

    public ProbeOptions Options { get; }

    public StorageProviderContext Context { get; }

    public bool Disposed => IsDisposed;

    public override string EngineType => "probe";

    public override StorageCapabilities Capabilities => StorageCapabilities.None;

    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) => throw StorageException.Unsupported("save", EngineType);

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) => throw StorageException.Unsupported("load", EngineType);

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) => throw StorageException.Unsupported("stat", EngineType);

    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) => throw StorageException.Unsupported("delete", EngineType);

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    protected override ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StorageInfo { EngineType = EngineType, Platform = "any", IsConnected = true, Capabilities = Capabilities });
}
