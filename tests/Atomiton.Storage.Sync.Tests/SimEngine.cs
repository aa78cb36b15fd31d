using System.Runtime.CompilerServices;
using System.Text;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>A crash of the sync process, thrown from inside an engine call (never a StorageException, so nothing catches it).</summary>
internal sealed class SimulatedCrash : Exception
{
    public SimulatedCrash()
        : base("simulated crash")
    {
    }

    public SimulatedCrash(string message)
        : base(message)
    {
    }

    public SimulatedCrash(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The engine the sync sees in simulations: every call goes through <see cref="Hook"/> (user writes,
/// injected faults, crashes), mutations are checked for preconditions and counted, the trace records
/// each call, and the change feed can duplicate stale entries, reorder keys and expire cursors.
/// </summary>
internal sealed class SimEngine(IStorageEngine inner, string name) : DelegatingStorageEngine(inner, ownsInner: false)
{
    public string Name { get; } = name;

    public override string EngineType => "sim";

    /// <summary>Forwards copy and move natively (the sync's own moves are what the trace shows).</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    /// <summary>Called before each call: (operation, key). May act on the world or throw.</summary>
    public Action<string, string?>? Hook { get; set; }

    /// <summary>Called after each completed mutation (for crash-after-mutation).</summary>
    public Action<string, string?>? AfterMutation { get; set; }

    public Func<StorageChangePage, StorageChangePage>? FeedFilter { get; set; }

    public Func<Exception?>? FeedFault { get; set; }

    public StringBuilder Trace { get; } = new();

    public List<string> Violations { get; } = [];

    public int Mutations { get; private set; }

    public int Requests { get; private set; }

    public int FeedReads { get; private set; }

    public int Listings { get; private set; }

    public void ResetCounters()
    {
        Mutations = 0;
        Requests = 0;
        FeedReads = 0;
        Listings = 0;
    }

    private void Enter(string operation, string? key)
    {
        Requests++;
        Trace.Append(Name).Append(' ').Append(operation).Append(' ').Append(key).Append('\n');
        Hook?.Invoke(operation, key);
    }

    private static bool Reserved(string key) => key.StartsWith(".atomiton-sync/", StringComparison.Ordinal);

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        Enter("save", key);
        if (options.Condition.Kind == WriteConditionKind.None && !Reserved(key))
        {
            Violations.Add($"{Name}: save of '{key}' without a precondition");
        }

        var item = await Inner.SaveAsync(key, content, options, cancellationToken);
        Mutations++;
        AfterMutation?.Invoke("save", key);
        return item;
    }

    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        Enter("delete", key);
        if (options.IfMatch is null && !Reserved(key))
        {
            Violations.Add($"{Name}: delete of '{key}' without if-match");
        }

        bool deleted = await Inner.DeleteAsync(key, options, cancellationToken);
        Mutations++;
        AfterMutation?.Invoke("delete", key);
        return deleted;
    }

    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        Enter("copy", destinationKey);
        var item = await Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);
        Mutations++;
        AfterMutation?.Invoke("copy", destinationKey);
        return item;
    }

    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        Enter("move", destinationKey);
        var item = await Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);
        Mutations++;
        AfterMutation?.Invoke("move", destinationKey);
        return item;
    }

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        Enter("load", key);
        return Inner.OpenReadAsync(key, options, cancellationToken);
    }

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        Enter("stat", key);
        return Inner.StatAsync(key, cancellationToken);
    }

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Enter("list", options.Prefix);
        Listings++;
        await foreach (var entry in Inner.ListAsync(options, cancellationToken))
        {
            yield return entry;
        }
    }

    protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        Enter("cursor", prefix);
        return Inner.GetChangeCursorAsync(prefix, cancellationToken);
    }

    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        Enter("changes", null);
        FeedReads++;
        if (FeedFault?.Invoke() is { } fault)
        {
            throw fault;
        }

        var page = await Inner.ReadChangesAsync(cursor, options, cancellationToken);
        return FeedFilter is null ? page : FeedFilter(page);
    }
}
