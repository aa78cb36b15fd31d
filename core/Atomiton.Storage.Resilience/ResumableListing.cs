namespace Atomiton.Storage.Resilience;

/// <summary>
/// A listing that can be resumed after a failure: each <see cref="MoveNextAsync"/> runs with its
/// own cancellation token, and after a failed step the next one re-opens the listing just after
/// the last entry returned, so nothing repeats and nothing is skipped. An engine that lists in
/// ordinal order (<see cref="StorageCapabilities.OrderedList"/>) is resumed with
/// <see cref="ListOptions.StartAfter"/> the last key; any other engine with the last entry's
/// <see cref="StorageEntry.ContinuationToken"/>. An unordered engine that gave no token cannot be
/// resumed part-way: the failure is then final (<see cref="StorageException.IsPersistent"/>), never a
/// listing that starts again and repeats entries.
/// </summary>
internal sealed class ResumableListing(IStorageEngine inner, ListOptions options, CancellationToken callerToken) : IAsyncDisposable
{
    private readonly ListOptions _options = options;
    private readonly bool _resumeByKey = inner.Capabilities.HasFlag(StorageCapabilities.OrderedList);
    private IAsyncEnumerator<StorageEntry>? _enumerator;
    private CancellationTokenSource? _enumeratorCancellation;
    private ListOptions? _resume;
    private string? _unresumableAfter;

    public StorageEntry Current { get; private set; } = null!;

    /// <summary>Advances; <paramref name="stepToken"/> cancels only this step (a timeout), the caller's token everything.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken stepToken)
    {
        if (_enumerator is null)
        {
            if (_unresumableAfter is not null)
            {
                throw Unresumable(null);
            }

            _enumeratorCancellation = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
            _enumerator = inner.ListAsync(_resume ?? _options, _enumeratorCancellation.Token).GetAsyncEnumerator(_enumeratorCancellation.Token);
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
        catch (StorageException e) when (_unresumableAfter is not null && !callerToken.IsCancellationRequested)
        {
            await ResetAsync();
            throw Unresumable(e);
        }
        catch
        {
            await ResetAsync();
            throw;
        }

        Current = _enumerator.Current;
        Advance(Current);
        return true;
    }

    public async ValueTask DisposeAsync() => await ResetAsync();

    private void Advance(StorageEntry entry)
    {
        if (_resumeByKey)
        {
            // The caller's token (a key, on an ordered engine) and StartAfter are both behind this entry.
            _resume = _options with { StartAfter = entry.Key, ContinuationToken = null };
        }
        else if (entry.ContinuationToken is { } token)
        {
            _resume = _options with { ContinuationToken = token };
        }
        else
        {
            _unresumableAfter = entry.Key;
        }
    }

    private StorageException Unresumable(StorageException? failure) =>
        new(failure?.Code ?? StorageErrorCode.NetworkError,
            $"The listing of prefix '{_options.Prefix}' failed after '{_unresumableAfter}', and the '{inner.EngineType}' engine lists unordered without continuation tokens, so it cannot be resumed without repeating entries. List again from the start.{(failure is null ? "" : " Cause: " + failure.Message)}",
            failure)
        { IsTransient = false, IsPersistent = true, Operation = StorageOperation.List, Key = _options.Prefix, RetryAfter = failure?.RetryAfter };

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
