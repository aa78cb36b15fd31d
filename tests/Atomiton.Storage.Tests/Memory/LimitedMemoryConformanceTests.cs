using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Memory;

/// <summary>
/// The whole conformance kit against the memory engine with every limit set: the quota, item and
/// object-size cases then run for real, and the scale cases shrink to fit the limits.
/// </summary>
public sealed class LimitedMemoryConformanceTests : StorageConformanceTests
{
    private readonly ShiftableTimeProvider _clock = new();

    protected override int ChunkSize => 8 * 1024;

    protected override long LargeObjectSize => 512 * 1024;

    protected override int ManyKeysCount => 900;

    protected override int ModelCheckRuns => 50;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(
        new MemoryEngine(new MemoryOptions { MaxBytes = 4 * 1024 * 1024, MaxObjectSize = 1024 * 1024, MaxItems = 1000 }, _clock));

    /// <summary>Moves the memory engine's wall clock past the default change retention.</summary>
    protected override ValueTask<bool> ExpireChangeFeedAsync()
    {
        _clock.Shift(new MemoryOptions().ChangeRetention + TimeSpan.FromSeconds(1));
        return ValueTask.FromResult(true);
    }

}
