namespace Atomiton.Storage.Testing;

/// <summary>
/// The conformance kit: every behaviour of <c>docs/contract.md</c> that applies to a single engine,
/// each case naming its entry in the catalogue (<c>docs/conformance-cases.md</c>), plus a seeded model
/// check. Derive from it, return a fresh, empty engine from <see cref="CreateEngineAsync"/>, and run the tests.
/// </summary>
/// <remarks>
/// xunit creates one instance per test, so every case gets its own engine, disposed afterwards.
/// Cases are gated by what the engine declares — <see cref="StorageCapabilities"/>, <see cref="StorageTraits"/>,
/// <see cref="StorageKeyRules"/> and <see cref="StorageLimits"/>: when a capability is declared, the case
/// checks the behaviour; when it is absent, the case checks that the operation throws
/// <see cref="StorageErrorCode.UnsupportedOperation"/> and changes nothing (catalogue 49), or, when there is
/// nothing to refuse, the case is reported <em>skipped</em> with the reason — never passed. The kit needs
/// <see cref="StorageCapabilities.Read"/>, <see cref="StorageCapabilities.Write"/> and
/// <see cref="StorageCapabilities.List"/> (with recursive or shallow listing) to set up and observe anything;
/// for engines without <see cref="StorageCapabilities.Write"/>, use <see cref="ReadOnlyStorageConformanceTests"/>.
/// </remarks>
public abstract partial class StorageConformanceTests : IAsyncLifetime
{
    private readonly KitClock _clock = new();
    private IStorageEngine? _engine;
    private IStorageEngine? _created;
    private IDisposable? _sharedGate;

    /// <summary>
    /// The engine under test, created before each case. In root-prefix mode (<see cref="UsesFreshPrefixPerCase"/>)
    /// it is a view of the created engine under <see cref="CasePrefix"/>: keys, listings and errors read as if the
    /// prefix were the root.
    /// </summary>
    protected IStorageEngine Engine => _engine ?? throw new InvalidOperationException("The engine is created in InitializeAsync; do not use it from a constructor.");

    /// <summary>
    /// The kit's clock: the system clock plus an offset the clock cases move (also backwards). Pass it to an engine
    /// that takes a <see cref="TimeProvider"/> and override <see cref="EngineTakesClock"/> to say so.
    /// </summary>
    protected TimeProvider Clock => _clock;

    /// <summary>
    /// True when <see cref="CreateEngineAsync"/> builds the engine over <see cref="Clock"/>; the cases that move the
    /// clock (Updated never goes back) run only then and are skipped otherwise. Default false.
    /// </summary>
    protected virtual bool EngineTakesClock => false;

    /// <summary>
    /// Root-prefix mode: every case (and every model-check sequence) runs under a fresh prefix
    /// (<c>kit/&lt;guid&gt;/</c>) of the engine <see cref="CreateEngineAsync"/> returns, so one real account — which
    /// need not be empty — can host every case. What the case saves is deleted afterwards (when the engine
    /// declares <see cref="StorageCapabilities.Delete"/>). The prefix counts against the key budget: the view
    /// declares <see cref="StorageKeyRules.MaxKeyBytes"/> smaller by its length. Default false: a fresh, empty engine per case.
    /// </summary>
    protected virtual bool UsesFreshPrefixPerCase => false;

    /// <summary>The prefix this case runs under in root-prefix mode (ends with <c>/</c>); empty otherwise.</summary>
    protected string CasePrefix { get; private set; } = string.Empty;

    /// <summary>
    /// Creates a fresh, empty engine (in root-prefix mode, any engine: the kit works under a fresh prefix of it).
    /// Called once per case (and once per model-check run); the kit disposes it.
    /// </summary>
    protected abstract ValueTask<IStorageEngine> CreateEngineAsync();

    /// <summary>The engine's transfer chunk or buffer size; the stream cases write around it (default 64 KiB).</summary>
    protected virtual int ChunkSize => 64 * 1024;

    /// <summary>The size of the bounded-memory case's object (default 64 MiB).</summary>
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

    /// <summary>The engine <see cref="CreateEngineAsync"/> returned for this case, without the root-prefix view.</summary>
    private protected IStorageEngine CreatedEngine => _created ?? Engine;

    /// <summary>Creates the engine for one case.</summary>
    public virtual async Task InitializeAsync()
    {
        _sharedGate = await MeasurementGate.EnterSharedAsync();
        (_created, _engine, CasePrefix) = await CreateCaseEngineAsync();
    }

    /// <summary>Disposes the case's engine (in root-prefix mode, after deleting what the case left under its prefix).</summary>
    public virtual async Task DisposeAsync()
    {
        try
        {
            await DisposeCaseEngineAsync(_created, _engine);

            // Let the engine's content be collected before the gate opens, so a measuring case
            // that enters next sees a quiet heap.
            _engine = null;
            _created = null;
        }
        finally
        {
            _sharedGate?.Dispose();
            _sharedGate = null;
        }
    }

    /// <summary>Creates an engine as the cases see it: the created one, or in root-prefix mode a view under a fresh prefix.</summary>
    private protected async Task<(IStorageEngine Created, IStorageEngine Engine, string Prefix)> CreateCaseEngineAsync()
    {
        var created = await CreateEngineAsync();
        Assert.True(created is not null, "CreateEngineAsync returned null; return a fresh, empty engine.");
        if (!UsesFreshPrefixPerCase)
        {
            return (created, created, string.Empty);
        }

        string prefix = $"kit/{Guid.NewGuid():N}/";
        return (created, new RootPrefixedEngine(created, prefix), prefix);
    }

    /// <summary>Disposes an engine made by <see cref="CreateCaseEngineAsync"/>: in root-prefix mode, after deleting what the case left under its prefix.</summary>
    private protected static async Task DisposeCaseEngineAsync(IStorageEngine? created, IStorageEngine? engine)
    {
        if (engine is RootPrefixedEngine view)
        {
            await view.DeleteEverythingAsync();
            await view.DisposeAsync();
        }

        if (created is not null)
        {
            await created.DisposeAsync();
        }
    }

    /// <summary>Leaves the shared gate so this case can measure memory alone; see <see cref="MeasurementGate"/>.</summary>
    private protected async ValueTask<IDisposable> MeasureAloneAsync()
    {
        _sharedGate?.Dispose();
        _sharedGate = null;
        return await MeasurementGate.EnterExclusiveAsync();
    }

    /// <summary>Moves <see cref="Clock"/> by <paramref name="delta"/> (negative: back in time).</summary>
    protected void MoveClock(TimeSpan delta) => _clock.Move(delta);
}
