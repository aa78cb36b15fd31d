using System.Data.Common;

namespace Atomiton.Storage.Sync.State;

/// <summary>
/// The run lock as one run holds it: acquired (waiting up to <see cref="SyncOptions.RunLockWait"/>),
/// renewed every third of <see cref="SyncOptions.RunLockLease"/> on <see cref="SyncOptions.TimeProvider"/>
/// while the run lives, released when disposed. When a renewal finds the lock taken over (this run
/// stalled past its lease), <see cref="Token"/> is cancelled so the run stops before another change.
/// </summary>
internal sealed class SyncRunLease : IAsyncDisposable
{
    /// <summary>A waiter asks the store again at least this often (another process gives no signal when it releases).</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // Completed (and replaced) whenever a run in this process releases a lock: waiters in this process
    // ask again at once instead of at their next poll. Spurious wake-ups only cost one more attempt.
    private static TaskCompletionSource s_released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly ISyncStateStore _store;
    private readonly SyncOptions _options;
    private readonly CancellationTokenSource _run;
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly Task _renewing;
    private volatile SyncRunLock? _takenOverBy;

    private SyncRunLease(ISyncStateStore store, SyncOptions options, SyncRunLock held, SyncRunLock? takenOver, CancellationToken cancellationToken)
    {
        _store = store;
        _options = options;
        Held = held;
        TakenOver = takenOver;
        _run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _renewing = RenewAsync();
    }

    /// <summary>The lock this run holds.</summary>
    public SyncRunLock Held { get; }

    /// <summary>The expired lock of a run that died holding it, when this run took it over.</summary>
    public SyncRunLock? TakenOver { get; }

    /// <summary>The caller's token, also cancelled when the lock is lost.</summary>
    public CancellationToken Token => _run.Token;

    /// <summary>True when a renewal found the lock held by another run.</summary>
    public bool IsLost => _takenOverBy is not null;

    /// <summary>
    /// Takes the lock of the pair named <paramref name="pairName"/>, waiting up to <see cref="SyncOptions.RunLockWait"/>
    /// (<paramref name="waitForever"/>: until it is free) and reporting the wait once as phase <c>wait</c>.
    /// </summary>
    /// <exception cref="StorageException">Conflict (transient, operation <see cref="SyncPair.RunLockOperation"/>) when another run still holds it after the wait; nothing was changed.</exception>
    public static async Task<SyncRunLease> AcquireAsync(ISyncStateStore store, string pairName, SyncOptions options, bool waitForever,
        IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = options.TimeProvider;
        string owner = Guid.NewGuid().ToString("N");
        DateTimeOffset? deadline = waitForever || options.RunLockWait == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + options.RunLockWait;
        bool reported = false;
        while (true)
        {
            var released = Volatile.Read(ref s_released).Task;
            var now = clock.GetUtcNow();
            var candidate = new SyncRunLock { Owner = owner, Host = Environment.MachineName, ProcessId = Environment.ProcessId, Since = now, Expires = now + options.RunLockLease };
            var attempt = await store.TryAcquireRunLockAsync(candidate, now, cancellationToken);
            if (attempt.Acquired)
            {
                return new SyncRunLease(store, options, attempt.Holder, attempt.TakenOver, cancellationToken);
            }

            var holder = attempt.Holder;
            if (deadline is { } end && now >= end)
            {
                throw Busy(pairName, holder, options.RunLockWait);
            }

            var pause = PollInterval;
            pause = deadline is { } last && last - now < pause ? last - now : pause;
            pause = holder.Expires > now && holder.Expires - now < pause ? holder.Expires - now : pause;
            using var woken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var poll = Task.Delay(pause, clock, woken.Token);
            if (!reported)
            {
                // After the poll's timer is set: whoever moves the clock on seeing this report moves it past the poll.
                reported = true;
                progress?.Report(new SyncProgress("wait", 0, null)
                {
                    Detail = $"another sync of {pairName} is running ({holder.Describe()}); waiting " + (deadline is null ? "until it finishes" : $"up to {options.RunLockWait}"),
                });
            }

            await Task.WhenAny(poll, released.WaitAsync(woken.Token));
            await woken.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The error of a run refused because <paramref name="holder"/> runs the pair.</summary>
    internal static StorageException Busy(string pairName, SyncRunLock holder, TimeSpan waited) =>
        new(StorageErrorCode.Conflict,
            $"Another sync of {pairName} is running: {holder.Describe()}. This run changed nothing"
            + (waited > TimeSpan.Zero ? $" (it waited {waited})" : "")
            + ". Run again when that one has finished, or let this one wait for it: --wait <duration> on the command line, SyncOptions.RunLockWait in the library. "
            + "If that run was killed, its lock is taken over once its lease runs out.")
        {
            IsTransient = true,
            Provider = "sync",
            Operation = SyncPair.RunLockOperation,
        };

    /// <summary>The error of a run whose lock another run took over while it was stalled.</summary>
    internal StorageException Lost(string pairName) =>
        new(StorageErrorCode.Conflict,
            $"This sync of {pairName} lost its run lock: it did not renew its lease in time (until {Held.Expires.UtcDateTime:u}) and another run took it over ({_takenOverBy?.Describe()}). "
            + "It stopped before its next change; what it finished is committed and the other run plans the rest. Run again after that one if needed.")
        {
            IsTransient = true,
            Provider = "sync",
            Operation = SyncPair.RunLockOperation,
        };

    private async Task RenewAsync()
    {
        var clock = _options.TimeProvider;
        var every = _options.RunLockLease / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, clock, _stopRenewing.Token);
                try
                {
                    if (!await _store.RenewRunLockAsync(Held.Owner, clock.GetUtcNow() + _options.RunLockLease, _stopRenewing.Token))
                    {
                        _takenOverBy = await _store.GetRunLockAsync(_stopRenewing.Token)
                            ?? Held with { Host = "(released by another run)", ProcessId = 0 };
                        await _run.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (e is StorageException or DbException or IOException or InvalidOperationException)
                {
                    // The store could not be reached this time: try again at the next renewal; the
                    // lease still has two thirds of its time.
                }
            }
        }
        catch (OperationCanceledException) when (_stopRenewing.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopRenewing.CancelAsync();
        await _renewing;
        try
        {
            if (!IsLost)
            {
                await _store.ReleaseRunLockAsync(Held.Owner, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is StorageException or DbException or IOException or InvalidOperationException)
        {
            // The store cannot be reached (a deleted file, a closed database): the lease runs out on its own.
        }
        finally
        {
            _run.Dispose();
            _stopRenewing.Dispose();
            Interlocked.Exchange(ref s_released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
