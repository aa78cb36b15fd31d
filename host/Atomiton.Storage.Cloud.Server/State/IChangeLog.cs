using Atomiton.Storage.Cloud.Server.Changes;

namespace Atomiton.Storage.Cloud.Server.State;

/// <summary>
/// The record of every object write the server performs, read by the change feed: a file on one
/// machine (<see cref="ChangeLog"/>), or the database shared by replicas.
/// </summary>
internal interface IChangeLog : IDisposable
{
    /// <summary>
    /// Runs <paramref name="write"/> (an engine write of <paramref name="keys"/>) in the keys' critical
    /// section and records the changes <paramref name="changes"/> derives from its result.
    /// </summary>
    /// <param name="keys">The engine keys the write may change.</param>
    /// <param name="write">The engine write.</param>
    /// <param name="changes">The changes a successful write made.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <param name="refusalsChangeNothing">
    /// True when the engine's refusals (Conflict, NotFound…) mean nothing was written; false for
    /// writes of several steps (a move that copies, then deletes), whose every failure is reconciled.
    /// </param>
    /// <param name="claims">
    /// What the write will leave under its keys, asked only when a tenant quota covers one of them (the
    /// database's quotas; the file log has none): the write is refused with QuotaExceeded before it runs
    /// when it would take a tenant past its quota. Null for writes that only free room (deletes).
    /// </param>
    Task<T> WriteAsync<T>(IReadOnlyList<string> keys, Func<CancellationToken, Task<T>> write, Func<T, IReadOnlyList<ChangeRecord>> changes, CancellationToken cancellationToken, bool refusalsChangeNothing = true, Func<CancellationToken, Task<IReadOnlyList<QuotaClaim>>>? claims = null);

    /// <summary>The cursor after the newest change, for <paramref name="prefix"/> (relative to the tenant).</summary>
    Task<ChangeCursor> LatestAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> changes after <paramref name="cursor"/> inside <paramref name="tenantPrefix"/>.</summary>
    /// <exception cref="StorageException">CursorExpired (with its trust) for a cursor of another epoch, past the newest change or before the retained ones.</exception>
    Task<(IReadOnlyList<WireChange> Changes, ChangeCursor Next, bool HasMore)> ReadAsync(ChangeCursor cursor, string tenantPrefix, int limit, CancellationToken cancellationToken);

    /// <summary>Waits until a change after <paramref name="cursor"/> inside the tenant exists, or <paramref name="timeout"/> passes.</summary>
    Task<bool> WaitAsync(ChangeCursor cursor, string tenantPrefix, TimeSpan timeout, CancellationToken cancellationToken);
}
