namespace Atomiton.Storage.Tests.Testing;

/// <summary>
/// A OneDrive-like wrapper: keys differing only in case name one object, and the spelling of the first save is
/// kept until the object is deleted. With <c>declared: false</c> it is the broken engine that folds case but
/// claims case-sensitivity — the kit must catch it.
/// </summary>
internal sealed class CasePreservingEngine(IStorageEngine inner, bool declared = true) : DelegatingStorageEngine(inner)
{
    private readonly Dictionary<string, string> _kept = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public override string EngineType => declared ? "case-preserving" : "case-folding-undeclared";

    public override StorageTraits Traits => declared ? Inner.Traits | StorageTraits.CaseInsensitiveKeys : Inner.Traits;

    public override StorageKeyRules KeyRules => Inner.KeyRules with { CaseInsensitive = declared };

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        string target;
        lock (_gate)
        {
            target = _kept.TryGetValue(key, out var kept) ? kept : key;
            _kept[target] = target;
        }

        try
        {
            return await Inner.SaveAsync(target, content, options, cancellationToken);
        }
        catch
        {
            await ForgetIfGoneAsync(target);
            throw;
        }
    }

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) =>
        Inner.OpenReadAsync(Resolve(key), options, cancellationToken);

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        Inner.StatAsync(Resolve(key), cancellationToken);

    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        Inner.ExistsAsync(Resolve(key), cancellationToken);

    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        string target = Resolve(key);
        try
        {
            return await Inner.DeleteAsync(target, options, cancellationToken);
        }
        finally
        {
            await ForgetIfGoneAsync(target);
        }
    }

    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new List<StorageDeleteResult>(keys.Count);
        foreach (var key in keys)
        {
            results.Add(new StorageDeleteResult(key, await DeleteCoreAsync(key, DeleteOptions.Default, cancellationToken)));
        }

        return results;
    }

    private string Resolve(string key)
    {
        lock (_gate)
        {
            return _kept.TryGetValue(key, out var kept) ? kept : key;
        }
    }

    private async Task ForgetIfGoneAsync(string target)
    {
        if (!await Inner.ExistsAsync(target))
        {
            lock (_gate)
            {
                _kept.Remove(target);
            }
        }
    }
}
