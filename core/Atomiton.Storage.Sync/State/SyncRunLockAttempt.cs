namespace Atomiton.Storage.Sync.State;

/// <summary>What <see cref="ISyncStateStore.TryAcquireRunLockAsync"/> found.</summary>
/// <param name="Acquired">True when the caller now holds the lock.</param>
/// <param name="Holder">The lock as it now stands: the caller's when <paramref name="Acquired"/>, otherwise the run that holds it.</param>
/// <param name="TakenOver">When the caller took over a lease that had run out: the lock it replaced (a crashed or killed run's).</param>
public sealed record SyncRunLockAttempt(bool Acquired, SyncRunLock Holder, SyncRunLock? TakenOver = null);
