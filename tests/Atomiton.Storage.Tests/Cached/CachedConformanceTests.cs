using Atomiton.Storage.Cached;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Testing;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Cached;

/// <summary>The whole conformance kit against cached → memory, built through the descriptor.</summary>
public sealed class CachedConformanceTests : StorageConformanceTests
{
    private readonly ShiftableTimeProvider _clock = new();

    protected override bool HoldsContentInMemory => true;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync() =>
        await new CachedProvider().CreateAsync(new CachedOptions(), new StorageProviderContext { PipelineName = "p", StageName = "cache", Inner = new MemoryEngine(null, _clock) });

    /// <summary>Moves the memory engine's wall clock past the default change retention.</summary>
    protected override ValueTask<bool> ExpireChangeFeedAsync()
    {
        _clock.Shift(new MemoryOptions().ChangeRetention + TimeSpan.FromSeconds(1));
        return ValueTask.FromResult(true);
    }
}

/// <summary>The whole conformance kit against the chain cached → encrypted → memory, each stage built through its descriptor.</summary>
public sealed class CachedEncryptedConformanceTests : StorageConformanceTests
{
    private readonly ShiftableTimeProvider _clock = new();

    protected override bool HoldsContentInMemory => true;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        var encrypted = await new EncryptedProvider().CreateAsync(
            new EncryptedOptions { Key = Encrypted.EncryptedTestEngines.KeyA },
            new StorageProviderContext { PipelineName = "p", StageName = "crypt", Inner = new MemoryEngine(null, _clock) });
        return await new CachedProvider().CreateAsync(new CachedOptions(), new StorageProviderContext { PipelineName = "p", StageName = "cache", Inner = encrypted });
    }

    /// <summary>Moves the memory engine's wall clock past the default change retention.</summary>
    protected override ValueTask<bool> ExpireChangeFeedAsync()
    {
        _clock.Shift(new MemoryOptions().ChangeRetention + TimeSpan.FromSeconds(1));
        return ValueTask.FromResult(true);
    }
}
