using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Testing;

/// <summary>
/// The kit's root-prefix mode: a view of an engine under one prefix, so every case can run under a fresh
/// prefix of one shared (real) account. Keys gain the prefix on the way in and lose it on the way out —
/// in items, listings, changes and errors — so the cases read exactly as on an engine of their own. The
/// prefix counts against the key budget, which the view declares in its <see cref="KeyRules"/>.
/// </summary>
internal sealed class RootPrefixedEngine : DelegatingStorageEngine
{
    // Continuation tokens the inner engine issued are passed on behind this marker; a token without it is a key
    // (the resume point of an engine that resumes by key). No valid key starts with '/', so the two never mix.
    private const char InnerTokenMarker = '/';

    private readonly string _prefix;
    private readonly int _prefixBytes;

    /// <summary>A view of <paramref name="inner"/> under <paramref name="prefix"/>; disposing the view leaves <paramref name="inner"/> to the kit, which cleans up through it.</summary>
    public RootPrefixedEngine(IStorageEngine inner, string prefix)
        : base(inner, ownsInner: false)
    {
        _prefix = prefix;
        _prefixBytes = System.Text.Encoding.UTF8.GetByteCount(prefix);
    }

    public override string EngineType => Inner.EngineType;

    /// <summary>The inner engine's capabilities: copy and move are forwarded, so they are as native as the inner engine's.</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    /// <summary>The inner engine's rules, less the prefix's bytes from the key budget.</summary>
    public override StorageKeyRules KeyRules
    {
        get
        {
            var inner = Inner.KeyRules;
            return inner with { MaxKeyBytes = Math.Min(inner.MaxKeyBytes, StorageKey.MaxKeyBytes) - _prefixBytes };
        }
    }

    /// <summary>Deletes what the case left under the prefix, through the inner engine (the case may have disposed the view); best effort.</summary>
    public async Task DeleteEverythingAsync()
    {
        if (!Inner.Capabilities.HasFlag(StorageCapabilities.Delete))
        {
            return;
        }

        try
        {
            await Inner.DeletePrefixAsync(_prefix);
        }
        catch (StorageException)
        {
            // Cleanup only: what stays is under a prefix no other case uses.
        }
        catch (ObjectDisposedException)
        {
            // The engine was disposed under the kit: nothing more can be done.
        }
    }

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
        Out(await Call(() => Inner.SaveAsync(In(key), content, options, cancellationToken)));

    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var result = await Call(() => Inner.OpenReadAsync(In(key), options, cancellationToken));
        return new StorageReadResult(Out(result.Item), result.Content, result.NotModified);
    }

    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        Out(await Call(() => Inner.StatAsync(In(key), cancellationToken)));

    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        Call(() => Inner.ExistsAsync(In(key), cancellationToken));

    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        Call(() => Inner.DeleteAsync(In(key), options, cancellationToken));

    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        Out(await Call(() => Inner.CopyAsync(In(sourceKey), In(destinationKey), condition, cancellationToken)));

    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        Out(await Call(() => Inner.MoveAsync(In(sourceKey), In(destinationKey), condition, cancellationToken)));

    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = await Call(() => Inner.DeleteManyAsync(keys.Select(In).ToList(), cancellationToken));
        return results.Select(r => new StorageDeleteResult(Strip(r.Key), r.Deleted, r.Error is null ? null : Out(r.Error))).ToList();
    }

    protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken) =>
        Call(() => Inner.GetChangeCursorAsync(In(prefix), cancellationToken));

    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var page = await Call(() => Inner.ReadChangesAsync(cursor, options, cancellationToken));
        return page with
        {
            Changes = page.Changes.Select(c => c with
            {
                Key = Strip(c.Key),
                Item = c.Item is null ? null : Out(c.Item),
                PreviousKey = c.PreviousKey is null ? null : Strip(c.PreviousKey),
            }).ToList(),
        };
    }

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var inner = options with
        {
            Prefix = In(options.Prefix),
            StartAfter = options.StartAfter is null ? null : In(options.StartAfter),
            ContinuationToken = options.ContinuationToken switch
            {
                null => null,
                [InnerTokenMarker, .. var token] => token,
                var key => In(key),
            },
        };

        await using var entries = Inner.ListAsync(inner, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            StorageEntry entry;
            try
            {
                if (!await entries.MoveNextAsync())
                {
                    yield break;
                }

                entry = entries.Current;
            }
            catch (StorageException e)
            {
                throw Out(e);
            }

            yield return new StorageEntry(Strip(entry.Key), entry.Item is null ? null : Out(entry.Item))
            {
                ContinuationToken = entry.ContinuationToken is null ? null : InnerTokenMarker + entry.ContinuationToken,
            };
        }
    }

    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var info = await Inner.GetInfoAsync(cancellationToken);
        return info with { KeyRules = KeyRules };
    }

    private string In(string key) => _prefix + key;

    private string Strip(string key) => key.StartsWith(_prefix, StringComparison.Ordinal) ? key[_prefix.Length..] : key;

    private StorageItem Out(StorageItem item) => item with { Key = Strip(item.Key) };

    private StorageException Out(StorageException e) =>
        new(e.Code, e.Message.Replace(_prefix, string.Empty, StringComparison.Ordinal), e)
        {
            IsTransient = e.IsTransient,
            IsPersistent = e.IsPersistent,
            Provider = e.Provider,
            Operation = e.Operation,
            Key = e.Key is null ? null : Strip(e.Key),
            RetryAfter = e.RetryAfter,
            CursorTrust = e.CursorTrust,
        };

    private async ValueTask<T> Call<T>(Func<ValueTask<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (StorageException e)
        {
            throw Out(e);
        }
    }
}
