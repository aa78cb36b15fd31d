namespace Atomiton.Storage.Resilience;

/// <summary>
/// A listing that can be resumed after a failure: each <see cref="MoveNextAsync"/> runs with its
/// own cancellation token, and after a failed step the next one re-opens the listing just after
/// the last entry returned (listings are in ordinal key order, so nothing repeats or is skipped).
/// </summary>
internal sealed class ResumableListing(IStorageEngine inner, ListOptions options, CancellationToken callerToken) : IAsyncDisposable
{
    private IAsyncEnumerator<StorageEntry>? _enumerator;
    private CancellationTokenSource? _enumeratorCancellation;
    private string? _lastKey = options.StartAfter;

    public StorageEntry Current { get; private set; } = null!;

    /// <summary>Advances; <paramref name="stepToken"/> cancels only this step (a timeout), the caller's token everything.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken stepToken)
    {
        if (_enumerator is null)
        {
            _enumeratorCancellation = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
            _enumerator = inner.ListAsync(options with { StartAfter = _lastKey }, _enumeratorCancellation.Token).GetAsyncEnumerator(_enumeratorCancellation.Token);
        }

        var source = _enumeratorCancellation!;
        using var link = stepToken.CanBeCanceled ? stepToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source) : default;
        try
        {
            if (!await _enumerator.MoveNextAsync())
            {
                return false;
            }
        }
        catch
        {
            await ResetAsync();
            throw;
        }

        Current = _enumerator.Current;
        _lastKey = Current.Key;
        return true;
    }

    public async ValueTask DisposeAsync() => await ResetAsync();

    private async ValueTask ResetAsync()
    {
        var enumerator = _enumerator;
        var cancellation = _enumeratorCancellation;
        _enumerator = null;
        _enumeratorCancellation = null;
        if (enumerator is not null)
        {
            try
            {
                await enumerator.DisposeAsync();
            }
            catch (Exception e) when (e is StorageException or OperationCanceledException)
            {
                // The listing already failed; its cleanup error adds nothing.
            }
        }

        cancellation?.Dispose();
    }
}
