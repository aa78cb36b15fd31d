using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Testing;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Mock;

/// <summary>The whole conformance kit against a mock over a memory engine, with a (generous) quota so the quota path is exercised too.</summary>
public sealed class MockOverMemoryConformanceTests : StorageConformanceTests
{
    private readonly ShiftableTimeProvider _clock = new();

    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new MockEngine(new MemoryEngine(null, _clock), new MockOptions { QuotaBytes = 1L << 40, Seed = 1 }));

    /// <summary>Moves the memory engine's wall clock past the default change retention.</summary>
    protected override ValueTask<bool> ExpireChangeFeedAsync()
    {
        _clock.Shift(new MemoryOptions().ChangeRetention + TimeSpan.FromSeconds(1));
        return ValueTask.FromResult(true);
    }

}
