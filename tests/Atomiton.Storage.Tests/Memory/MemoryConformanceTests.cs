using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Memory;

/// <summary>The whole conformance kit against the memory engine without limits, over the kit's clock.</summary>
public sealed class MemoryConformanceTests : StorageConformanceTests
{
    protected override bool EngineTakesClock => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new MemoryEngine(null, Clock));

    /// <summary>Moves the kit's clock, which the engine runs on, past the default change retention.</summary>
    protected override ValueTask<bool> ExpireChangeFeedAsync()
    {
        MoveClock(new MemoryOptions().ChangeRetention + TimeSpan.FromSeconds(1));
        return ValueTask.FromResult(true);
    }
}
