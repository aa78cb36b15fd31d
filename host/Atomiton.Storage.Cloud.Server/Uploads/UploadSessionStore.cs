using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Http;

namespace Atomiton.Storage.Cloud.Server.Uploads;

/// <summary>
/// Resumable uploads: a session's bytes are appended to a file on disk, chunk by chunk at an exact
/// offset, so a client whose connection dropped (or whose server restarted) asks for the offset
/// and goes on. Nothing reaches the engine until the commit, which saves the whole file in one
/// atomic engine save — a failed upload never leaves a partial object. A committed session keeps
/// a marker with the result, so a commit retried after a lost response answers the same item.
/// A session's files carry the time of its last activity (on the server's clock) as their write
/// time; a sweep at start and every <see cref="CloudServerOptions.UploadSweepInterval"/> removes
/// the sessions idle for longer than <see cref="CloudServerOptions.UploadSessionLifetime"/>.
/// </summary>
internal sealed class UploadSessionStore : State.IUploadSessionStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly string _directory;
    private readonly CloudServerOptions _options;
    private readonly ITimer _sweeper;

    public UploadSessionStore(CloudServerOptions options)
    {
        if (options.UploadSweepInterval <= TimeSpan.Zero || options.UploadSessionLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CloudServerOptions.UploadSweepInterval ({options.UploadSweepInterval}) and UploadSessionLifetime ({options.UploadSessionLifetime}) must be positive.", nameof(options));
        }

        _options = options;
        _directory = CreateDirectory(options);
        SweepExpired();
        _sweeper = options.TimeProvider.CreateTimer(_ => SweepExpired(), null, options.UploadSweepInterval, options.UploadSweepInterval);
    }

    public void Dispose() => _sweeper.Dispose();

    public UploadSession Create(string tenantPrefix, string key, WireUploadRequest request)
    {
        SweepExpired();
        var session = new UploadSession
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            TenantPrefix = tenantPrefix,
            Key = key,
            ContentType = request.ContentType,
            Metadata = request.Metadata,
            Length = request.Length,
            IfMatch = request.IfMatch,
            IfNotExists = request.IfNotExists,
            ExpectedHashes = request.ExpectedHashes,
            LastModified = request.LastModified,
            Created = _options.TimeProvider.GetUtcNow(),
        };
        File.WriteAllBytes(PartPath(session.Id), []);
        File.WriteAllBytes(SessionPath(session.Id), JsonSerializer.SerializeToUtf8Bytes(session, CloudJson.Options));
        Touch(session.Id);
        return session;
    }

    /// <summary>The session, or null when it does not exist for this tenant (never revealing another tenant's).</summary>
    public UploadSession? Find(string id, string tenantPrefix)
    {
        if (!IsWellFormedId(id) || !File.Exists(SessionPath(id)))
        {
            return null;
        }

        var session = JsonSerializer.Deserialize<UploadSession>(File.ReadAllBytes(SessionPath(id)), CloudJson.Options);
        return session is not null && string.Equals(session.TenantPrefix, tenantPrefix, StringComparison.Ordinal) ? session : null;
    }

    /// <summary>The committed item of a finished session, or null.</summary>
    public WireItem? FindCommitted(string id, string tenantPrefix)
    {
        var session = Find(id, tenantPrefix);
        return session is not null && File.Exists(DonePath(id))
            ? JsonSerializer.Deserialize<WireItem>(File.ReadAllBytes(DonePath(id)), CloudJson.Options)
            : null;
    }

    public long OffsetOf(UploadSession session) =>
        File.Exists(PartPath(session.Id)) ? new FileInfo(PartPath(session.Id)).Length : 0;

    /// <summary>Appends a chunk that must start at the session's current offset; a failed chunk is cut back off.</summary>
    /// <returns>The new offset.</returns>
    public async Task<long> AppendAsync(UploadSession session, long offset, Stream chunk, long chunkLength, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(session.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(DonePath(session.Id)))
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Upload session {session.Id} is already committed; start a new session to write '{session.Key}' again.") { Key = session.EngineKey };
            }

            long current = OffsetOf(session);
            if (offset != current)
            {
                throw new UploadOffsetMismatchException(current);
            }

            if (current + chunkLength > _options.MaxObjectSize || (session.Length is { } declared && current + chunkLength > declared))
            {
                throw new StorageException(StorageErrorCode.ObjectTooLarge,
                    $"Upload session {session.Id} would grow past {(session.Length ?? _options.MaxObjectSize)} bytes (the declared length or the server's maximum object size).")
                { Key = session.EngineKey };
            }

            long length;
            await using (var file = new FileStream(PartPath(session.Id), FileMode.Open, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true))
            {
                file.Seek(current, SeekOrigin.Begin);
                try
                {
                    await CopyExactlyAsync(chunk, file, chunkLength, cancellationToken);
                    await file.FlushAsync(cancellationToken);
                }
                catch
                {
                    file.SetLength(current);
                    throw;
                }

                length = file.Length;
            }

            Touch(session.Id);
            return length;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Saves the assembled bytes to the engine in one save, then marks the session committed.</summary>
    public async Task<WireItem> CommitAsync(UploadSession session, IStorageEngine engine, State.IChangeLog log, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(session.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(DonePath(session.Id)))
            {
                return JsonSerializer.Deserialize<WireItem>(File.ReadAllBytes(DonePath(session.Id)), CloudJson.Options)!;
            }

            long length = OffsetOf(session);
            if (session.Length is { } declared && declared != length)
            {
                throw new StorageException(StorageErrorCode.InvalidArgument,
                    $"Upload session {session.Id} holds {length} bytes but declared {declared}; upload the rest (from offset {length}) before committing.")
                { Key = session.EngineKey };
            }

            var options = new SaveOptions
            {
                ContentType = session.ContentType,
                Metadata = session.Metadata,
                ExpectedLength = length,
                ExpectedHashes = session.ExpectedHashes,
                LastModified = session.LastModified,
                Condition = session.IfNotExists ? WriteCondition.IfNotExists
                    : session.IfMatch is { } etag ? WriteCondition.IfMatch(etag) : WriteCondition.None,
            };
            StorageItem item;
            await using (var file = new FileStream(PartPath(session.Id), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                item = await log.WriteAsync([session.EngineKey],
                    token => engine.SaveAsync(session.EngineKey, file, options, token).AsTask(),
                    saved => [new ChangeRecord { Kind = ChangeRecord.Upsert, Key = saved.Key, Item = WireItem.From(saved, string.Empty) }],
                    cancellationToken);
            }

            var wire = WireItem.From(item, session.TenantPrefix);
            File.WriteAllBytes(DonePath(session.Id), JsonSerializer.SerializeToUtf8Bytes(wire, CloudJson.Options));
            File.Delete(PartPath(session.Id));
            Touch(session.Id);
            return wire;
        }
        finally
        {
            gate.Release();
        }
    }

    Task<UploadSession> State.IUploadSessionStore.CreateAsync(string tenantPrefix, string key, WireUploadRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Create(tenantPrefix, key, request));

    Task<UploadSession?> State.IUploadSessionStore.FindAsync(string id, string tenantPrefix, CancellationToken cancellationToken) =>
        Task.FromResult(Find(id, tenantPrefix));

    Task<WireItem?> State.IUploadSessionStore.FindCommittedAsync(UploadSession session, CancellationToken cancellationToken) =>
        Task.FromResult(FindCommitted(session.Id, session.TenantPrefix));

    Task<long> State.IUploadSessionStore.OffsetOfAsync(UploadSession session, CancellationToken cancellationToken) =>
        Task.FromResult(OffsetOf(session));

    Task State.IUploadSessionStore.DeleteAsync(UploadSession session, CancellationToken cancellationToken)
    {
        Delete(session);
        return Task.CompletedTask;
    }

    public void Delete(UploadSession session)
    {
        File.Delete(PartPath(session.Id));
        File.Delete(DonePath(session.Id));
        File.Delete(SessionPath(session.Id));
        _locks.TryRemove(session.Id, out _);
    }

    /// <summary>Copies exactly <paramref name="length"/> bytes; a body that ends early throws EndOfStreamException (Kestrel never yields more than Content-Length).</summary>
    private static async Task CopyExactlyAsync(Stream source, Stream destination, long length, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            for (long remaining = length; remaining > 0;)
            {
                int count = (int)Math.Min(buffer.Length, remaining);
                await source.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken);
                await destination.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
                remaining -= count;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Removes every session whose last activity is older than the lifetime; sessions busy right now
    /// are left for the next sweep. Only files named like a session's (<c>&lt;32 hex&gt;.json</c>,
    /// <c>.part</c>, <c>.done.json</c>) are ever touched, whatever else the folder holds.
    /// </summary>
    private void SweepExpired()
    {
        var cutoff = (_options.TimeProvider.GetUtcNow() - _options.UploadSessionLifetime).UtcDateTime;
        try
        {
            var lastActivity = new Dictionary<string, DateTime>(StringComparer.Ordinal);
            foreach (var path in Directory.EnumerateFiles(_directory))
            {
                var name = Path.GetFileName(path);
                var id = name.Split('.')[0];
                if (!IsWellFormedId(id) || !IsSessionFile(name, id))
                {
                    continue;
                }

                var written = File.GetLastWriteTimeUtc(path);
                lastActivity[id] = lastActivity.TryGetValue(id, out var seen) && seen > written ? seen : written;
            }

            foreach (var (id, last) in lastActivity)
            {
                if (last < cutoff && !(_locks.TryGetValue(id, out var gate) && gate.CurrentCount == 0))
                {
                    DeleteFiles(id);
                    _locks.TryRemove(id, out _);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file that vanished or cannot be removed now is tried again at the next sweep.
        }
    }

    private void DeleteFiles(string id)
    {
        File.Delete(PartPath(id));
        File.Delete(DonePath(id));
        File.Delete(SessionPath(id));
    }

    private static bool IsSessionFile(string name, string id) => name[id.Length..] is ".json" or ".part" or ".done.json";

    /// <summary>Stamps the session's files with the server clock's now: the time its lifetime counts from.</summary>
    private void Touch(string id)
    {
        var now = _options.TimeProvider.GetUtcNow().UtcDateTime;
        foreach (var path in new[] { SessionPath(id), PartPath(id), DonePath(id) })
        {
            if (File.Exists(path))
            {
                File.SetLastWriteTimeUtc(path, now);
            }
        }
    }

    private static string CreateDirectory(CloudServerOptions options)
    {
        if (options.UploadDirectory is { } given)
        {
            var directory = Path.GetFullPath(given);
            CreatePrivate(directory);
            return directory;
        }

        var keyFile = options.Keys?.FilePath
            ?? throw new ArgumentException("CloudServerOptions.Keys is required: the default upload folder lies beside the key file.", nameof(options));
        var beside = Path.ChangeExtension(keyFile, ".uploads");
        CreatePrivate(beside);
        if (!OperatingSystem.IsWindows())
        {
            // The default folder is the server's own: keep it private even if it was created otherwise.
            File.SetUnixFileMode(beside, OwnerOnly);
        }

        return beside;
    }

    private static void CreatePrivate(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnly);
        }
    }

    private static bool IsWellFormedId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private string SessionPath(string id) => Path.Combine(_directory, id + ".json");

    private string PartPath(string id) => Path.Combine(_directory, id + ".part");

    private string DonePath(string id) => Path.Combine(_directory, id + ".done.json");
}
