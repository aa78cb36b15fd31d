using Atomiton.Storage.Mock;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Mock;

/// <summary>The whole conformance kit against the stand-alone mock (no faults), which must behave like memory.</summary>
public sealed class MockConformanceTests : StorageConformanceTests
{
    private readonly ShiftableTimeProvider _clock = new();

    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new MockEngine(null, _clock));

    /// <summary>Moves the memory engine's wall clock past the default change retention.</summary>
    protected override ValueTask<bool> ExpireChangeFeedAsync()
    {
        _clock.Shift(new MemoryOptions().ChangeRetention + TimeSpan.FromSeconds(1));
        return ValueTask.FromResult(true);
    }

}
