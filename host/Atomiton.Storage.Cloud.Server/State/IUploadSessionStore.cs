using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Uploads;

namespace Atomiton.Storage.Cloud.Server.State;

/// <summary>
/// Resumable upload sessions: their settings, their bytes until the commit, and the committed item.
/// Files beside the key file on one machine; the database when replicas share sessions.
/// </summary>
internal interface IUploadSessionStore : IDisposable
{
    Task<UploadSession> CreateAsync(string tenantPrefix, string key, WireUploadRequest request, CancellationToken cancellationToken);

    /// <summary>The session, or null when it does not exist for this tenant (never revealing another tenant's).</summary>
    Task<UploadSession?> FindAsync(string id, string tenantPrefix, CancellationToken cancellationToken);

    /// <summary>The committed item of a finished session, or null.</summary>
    Task<WireItem?> FindCommittedAsync(UploadSession session, CancellationToken cancellationToken);

    /// <summary>How many bytes the session holds.</summary>
    Task<long> OffsetOfAsync(UploadSession session, CancellationToken cancellationToken);

    /// <summary>Appends a chunk that must start at the session's current offset; a failed chunk leaves nothing behind.</summary>
    /// <returns>The new offset.</returns>
    /// <exception cref="UploadOffsetMismatchException">The chunk does not start at the current offset.</exception>
    Task<long> AppendAsync(UploadSession session, long offset, Stream chunk, long chunkLength, CancellationToken cancellationToken);

    /// <summary>Saves the assembled bytes to the engine in one save (recorded in <paramref name="log"/>), then marks the session committed.</summary>
    Task<WireItem> CommitAsync(UploadSession session, IStorageEngine engine, IChangeLog log, CancellationToken cancellationToken);

    Task DeleteAsync(UploadSession session, CancellationToken cancellationToken);
}
