using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Memory;

/// <summary>The whole conformance kit against the memory engine without limits.</summary>
public sealed class MemoryConformanceTests : StorageConformanceTests
{
    private readonly ShiftableTimeProvider _clock = new();

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new MemoryEngine(null, _clock));

    /// <summary>Moves the engine's wall clock past the default change retention.</summary>
    protected override ValueTask<bool> ExpireChangeFeedAsync()
    {
        _clock.Shift(new MemoryOptions().ChangeRetention + TimeSpan.FromSeconds(1));
        return ValueTask.FromResult(true);
    }
}
