namespace Atomiton.Storage.Testing;

/// <summary>
/// The conformance kit: every behaviour of <c>docs/contract.md</c> that applies to a single engine,
/// numbered against the catalogue (<c>conformance-cases.md</c>), plus a seeded model check. Derive
/// from it, return a fresh, empty engine from <see cref="CreateEngineAsync"/>, and run the tests.
/// </summary>
/// <remarks>
/// xunit creates one instance per test, so every case gets its own engine, disposed afterwards.
/// Cases are gated by the engine's declared <see cref="StorageCapabilities"/>: when a capability is
/// declared, the case checks the behaviour; when it is absent, the case checks that the operation
/// throws <see cref="StorageErrorCode.UnsupportedOperation"/> (catalogue case 49). The kit needs
/// <see cref="StorageCapabilities.Read"/>, <see cref="StorageCapabilities.Write"/> and
/// <see cref="StorageCapabilities.List"/> to set up and observe anything.
/// </remarks>
public abstract partial class StorageConformanceTests : IAsyncLifetime
{
    private IStorageEngine? _engine;
    private IDisposable? _sharedGate;

    /// <summary>The engine under test, created before each case.</summary>
    protected IStorageEngine Engine => _engine ?? throw new InvalidOperationException("The engine is created in InitializeAsync; do not use it from a constructor.");

    /// <summary>Creates a fresh, empty engine. Called once per case (and once per model-check run); the kit disposes it.</summary>
    protected abstract ValueTask<IStorageEngine> CreateEngineAsync();

    /// <summary>The engine's transfer chunk or buffer size; the stream cases write around it (default 64 KiB).</summary>
    protected virtual int ChunkSize => 64 * 1024;

    /// <summary>The size of the bounded-memory case's object (default 64 MiB; 0 leaves the case to check nothing but a small object).</summary>
    protected virtual long LargeObjectSize => 64L * 1024 * 1024;

    /// <summary>
    /// True for engines that keep content in process memory (memory, mock, or a wrapper over them):
    /// the bounded-memory case then only bounds the load side, since the save side must hold the
    /// object. By default, engines that do not declare <see cref="StorageCapabilities.Persistent"/>.
    /// </summary>
    protected virtual bool HoldsContentInMemory => (Engine.Capabilities & StorageCapabilities.Persistent) == 0;

    /// <summary>How many keys the constant-memory listing case saves and lists (default 100,000).</summary>
    protected virtual int ManyKeysCount => 100_000;

    /// <summary>
    /// How long after a write the engine guarantees Stat and List see it (zero: at once). The kit
    /// polls within this bound in the read-after-write case and before listing assertions.
    /// </summary>
    protected virtual TimeSpan ConsistencyBound => TimeSpan.Zero;

    /// <summary>Whether <see cref="StorageItem.Created"/> survives an overwrite (default true); false for backends that cannot keep it.</summary>
    protected virtual bool KeepsCreatedAcrossOverwrites => true;

    /// <summary>How many random operation sequences the model check runs (default 100).</summary>
    protected virtual int ModelCheckRuns => 100;

    /// <summary>The longest operation sequence the model check generates (default 40).</summary>
    protected virtual int ModelCheckOperations => 40;

    /// <summary>
    /// The model check's seed; null derives one from the clock and prints it on failure. Set it to the
    /// printed value to replay a failure exactly.
    /// </summary>
    protected virtual ulong? ModelCheckSeed => null;

    /// <summary>Writes the kit's diagnostic lines (model-check seeds, shrunk sequences); override to route them to a test output helper.</summary>
    protected virtual void Log(string message) => Console.WriteLine(message);

    /// <summary>Creates the engine for one case.</summary>
    public virtual async Task InitializeAsync()
    {
        _sharedGate = await MeasurementGate.EnterSharedAsync();
        _engine = await CreateEngineAsync();
        Assert.True(_engine is not null, "CreateEngineAsync returned null; return a fresh, empty engine.");
    }

    /// <summary>Disposes the case's engine.</summary>
    public virtual async Task DisposeAsync()
    {
        try
        {
            if (_engine is not null)
            {
                await _engine.DisposeAsync();
            }

            // Let the engine's content be collected before the gate opens, so a measuring case
            // that enters next sees a quiet heap.
            _engine = null;
        }
        finally
        {
            _sharedGate?.Dispose();
            _sharedGate = null;
        }
    }

    /// <summary>Leaves the shared gate so this case can measure memory alone; see <see cref="MeasurementGate"/>.</summary>
    private protected async ValueTask<IDisposable> MeasureAloneAsync()
    {
        _sharedGate?.Dispose();
        _sharedGate = null;
        return await MeasurementGate.EnterExclusiveAsync();
    }
}
