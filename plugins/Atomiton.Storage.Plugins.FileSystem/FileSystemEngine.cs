using System.Buffers;
using System.Globalization;
using Atomiton.Storage.Providers;
using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The <c>filesystem</c> engine: one file per object under a base folder, each file a small header
/// (key, ETag, times, SHA-256, last-modified time, content type, metadata) followed by the content. A save writes a temporary
/// file and renames it into place under a per-key lock shared with other processes, so readers see
/// the old or the new object, never a part, and conditional writes hold across processes.
/// Thread-safe. Format: <c>docs/filesystem-format.md</c>.
/// </summary>
public sealed partial class FileSystemEngine : StorageEngine
{
    /// <summary>The engine type name, as used in <c>plugins.json</c>.</summary>
    public const string TypeName = "filesystem";

    private const string TemporaryFolderName = KeyEncoder.InternalPrefix + "tmp";
    private const string LockFolderName = KeyEncoder.InternalPrefix + "locks";
    private const int CopyBufferSize = 128 * 1024;
    private const int RenameAttempts = 16;

    /// <summary>The algorithms every item carries (computed while a save streams, stored in the header).</summary>
    private static readonly string[] HashAlgorithms = [StorageHashAlgorithms.Sha256];

    /// <summary><see cref="SaveOptions.LastModified"/> is kept to the UTC tick.</summary>
    private static readonly TimeSpan ModifiedTimePrecision = TimeSpan.FromTicks(1);

    // A load reads this much of the file at once: header and content of a small object in one
    // system call. Larger objects stream from the file after it.
    private const int SmallObjectRead = 64 * 1024;

    private readonly FileSystemOptions _options;
    private readonly TimeProvider _time;
    private readonly IStorageLogger _logger;
    private readonly TemporaryArea _temporary;
    private readonly KeyLocks _locks;
    private readonly ObjectPaths _paths;
    private readonly ObjectFileOpener _opener;

    /// <summary>Opens (and, unless told otherwise, creates) the base folder, and removes temporary files left by crashed writers.</summary>
    /// <param name="options">Validated options; <see cref="FileSystemOptions.BaseDir"/> should be absolute (the host resolves relative ones).</param>
    /// <param name="timeProvider">The clock for created/updated times; the system clock when null.</param>
    /// <param name="logger">Where to report cleaned leftovers and skipped files; nothing when null.</param>
    /// <exception cref="StorageException">InvalidConfiguration naming the option when the base folder is unusable.</exception>
    public FileSystemEngine(FileSystemOptions options, TimeProvider? timeProvider = null, IStorageLogger? logger = null)
        : this(options, timeProvider, logger, PathResolution.Kernel)
    {
    }

    /// <summary>Opens the engine, choosing how reads refuse links (tests run both ways).</summary>
    internal FileSystemEngine(FileSystemOptions options, TimeProvider? timeProvider, IStorageLogger? logger, PathResolution resolution)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullStorageLogger.Instance;
        string baseDirectory = OpenBaseDirectory(options);
        try
        {
            using var baseFolder = InternalFolder.OpenBase(baseDirectory);
            _temporary = new TemporaryArea(baseFolder, TemporaryFolderName);
            _temporary.RemoveOrphans();
            _locks = new KeyLocks(Path.Combine(baseDirectory, LockFolderName), options.LockTimeout);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.AccessDenied)
        {
            _temporary?.Dispose();
            throw Misconfigured($"baseDir '{baseDirectory}' cannot be used: {e.Message}", e);
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            _temporary?.Dispose();
            throw Misconfigured($"baseDir '{baseDirectory}' is not writable ({e.Message}). Give this process write access or choose another folder.", e);
        }

        _paths = new ObjectPaths(baseDirectory, _temporary);
        _opener = new ObjectFileOpener(_paths, resolution);
        if (_temporary.Removed > 0 && _logger.IsEnabled(StorageLogLevel.Information))
        {
            _logger.Log(StorageLogLevel.Information, $"Removed {_temporary.Removed} temporary file(s) left by interrupted saves in '{baseDirectory}'.");
        }

        Capabilities = StorageCapabilities.Standard | StorageCapabilities.Persistent | StorageCapabilities.ContentHashes | StorageCapabilities.SetLastModified
            | (options.Durable ? StorageCapabilities.Durable : 0);
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities { get; }

    /// <summary>The canonical base folder every object lives under.</summary>
    public string BaseDirectory => _paths.BaseDirectory;

    /// <summary>True when the kernel refuses links while opening (Linux openat2); false when each path component is checked first.</summary>
    internal bool ResolvesPathsInKernel => _opener.ResolvesInKernel;

    /// <summary>How many temporary files of interrupted saves this instance removed when it started.</summary>
    internal int RemovedTemporaryFiles => _temporary.Removed;

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        long? max = _options.MaxObjectSize;
        if (max is { } limit && options.ExpectedLength > limit)
        {
            throw TooLarge(key, options.ExpectedLength.Value, limit);
        }

        string path = _paths.ObjectPath(key);
        try
        {
            _paths.EnsureNoLinks(path, key);
            byte[] header = ObjectHeader.Prepare(key, options.ContentType, options.Metadata);
            string temporary = _temporary.NextName();
            SafeFileHandle? handle = null;
            bool committed = false;
            try
            {
                // Allocating the blocks up front matters on ext4: a rename that replaces a file
                // otherwise forces the new file's delayed allocation (auto_da_alloc), ~5x slower.
                long? knownLength = options.ExpectedLength ?? RemainingLength(content);
                long preallocated = knownLength is { } known && (max is null || known <= max) ? header.Length + known : 0;
                handle = _temporary.Create(temporary, preallocated);
                RandomAccess.Write(handle, header, 0);
                var (size, sha256) = await WriteContentAsync(key, handle, header.Length, content, options.ExpectedLength, cancellationToken);
                if (preallocated != 0 && header.Length + size != preallocated)
                {
                    RandomAccess.SetLength(handle, header.Length + size); // the stream's length was a hint only
                }

                cancellationToken.ThrowIfCancellationRequested();
                var item = await CommitAsync(key, path, temporary, handle, size, sha256, options, cancellationToken);
                committed = true;
                return item;
            }
            finally
            {
                handle?.Dispose();
                if (!committed)
                {
                    _temporary.Discard(temporary);
                }
            }
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            throw IOErrors.Translate(e, key, "save");
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        SafeFileHandle? file = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SmallObjectRead);
        try
        {
            file = _opener.OpenRead(key) ?? throw StorageException.NotFound(key);
            var header = WithContentHash(ReadHeader(file, key, buffer.AsSpan(0, SmallObjectRead), out int buffered), file);
            var item = header.ToItem();
            if (options.IfNoneMatch is { } etag && string.Equals(etag, header.ETag, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(StorageReadResult.ForNotModified(item));
            }

            var (start, length) = options.Range is { } range ? range.Resolve(header.ContentLength) : (0, header.ContentLength);
            long contentStart = header.Length + start;
            if (contentStart + length <= buffered)
            {
                // The content came with the header: no second read, and the file closes now.
                byte[] content = buffer.AsSpan((int)contentStart, (int)length).ToArray();
                return ValueTask.FromResult(new StorageReadResult(item, new MemoryStream(content, writable: false)));
            }

            var result = new StorageReadResult(item, new ContentStream(file, contentStart, length));
            file = null;
            return ValueTask.FromResult(result);
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            throw IOErrors.Translate(e, key, "load");
        }
        finally
        {
            file?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult((ReadHeader(key) ?? throw StorageException.NotFound(key)).ToItem());
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            throw IOErrors.Translate(e, key, "stat");
        }
    }

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(_opener.Exists(key));
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            throw IOErrors.Translate(e, key, "exists");
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        string path = _paths.ObjectPath(key);
        try
        {
            _paths.EnsureNoLinks(path, key);
            using (await _locks.AcquireAsync(key, cancellationToken))
            {
                if (options.IfMatch is { } etag)
                {
                    var current = TryReadCurrent(key);
                    if (current.ETag is null || !string.Equals(current.ETag, etag, StringComparison.Ordinal))
                    {
                        throw StorageException.ETagMismatch(key, etag);
                    }
                }

                if (!File.Exists(path))
                {
                    return false;
                }

                File.Delete(path);
                string folder = Path.GetDirectoryName(path)!;
                if (_options.Durable)
                {
                    NativeMethods.FlushDirectory(folder);
                }

                RemoveEmptyFolders(folder);
                return true;
            }
        }
        catch (Exception e) when (IOErrors.IsTranslatable(e))
        {
            throw IOErrors.Translate(e, key, "delete");
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StorageInfo
        {
            EngineType = EngineType,
            Platform = "desktop",
            IsConnected = Directory.Exists(_paths.BaseDirectory),
            Capabilities = Capabilities,
            HashAlgorithms = HashAlgorithms,
            Limits = new StorageLimits { MaxObjectSize = _options.MaxObjectSize, ModifiedTimePrecision = ModifiedTimePrecision },
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["baseDir"] = _paths.BaseDirectory,
                ["durable"] = _options.Durable ? "true" : "false",
                ["format"] = ObjectHeader.FormatVersion.ToString(CultureInfo.InvariantCulture),
            },
        });

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _locks.Dispose();
        _temporary.Dispose();
        _opener.Dispose();
        await base.DisposeCoreAsync();
    }

    private static long? RemainingLength(Stream content)
    {
        try
        {
            return content.CanSeek ? Math.Max(0, content.Length - content.Position) : null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    // Streams the content into the temporary file through the contract's exact-length check,
    // hashing it on the way (so the hash costs no second read).
    private async ValueTask<(long Size, string Sha256)> WriteContentAsync(string key, SafeFileHandle handle, long offset, Stream content, long? expected, CancellationToken cancellationToken)
    {
        long max = _options.MaxObjectSize ?? long.MaxValue;
        int bufferSize = expected is { } e && e < CopyBufferSize ? (int)e + 1 : CopyBufferSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        await using var exact = new ExactLengthStream(content, key, expected, HashAlgorithms);
        try
        {
            long size = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await exact.ReadAsync(buffer.AsMemory(0, bufferSize), cancellationToken);
                }
                catch (Exception failure) when (failure is not OperationCanceledException and not StorageException)
                {
                    // The caller's stream failed, not the disk: say so instead of reporting a file-system error.
                    throw new StorageException(StorageErrorCode.InvalidArgument,
                        $"Reading the content stream for key '{key}' failed ({failure.GetType().Name}: {failure.Message}). Nothing was written.", failure)
                    { Key = key };
                }

                if (read == 0)
                {
                    break;
                }

                size += read;
                if (size > max)
                {
                    throw TooLarge(key, size, max);
                }

                RandomAccess.Write(handle, buffer.AsSpan(0, read), offset);
                offset += read;
            }

            return (size, exact.GetHashes()[StorageHashAlgorithms.Sha256]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Under the key's lock: check the condition against the current object, stamp the header with
    // times and a fresh ETag, flush if durable, and rename over the old object in one step.
    private async ValueTask<StorageItem> CommitAsync(string key, string path, string temporary, SafeFileHandle handle, long size, string sha256, SaveOptions options, CancellationToken cancellationToken)
    {
        var createdFolders = _paths.CreateFolders(key);
        using (await _locks.AcquireAsync(key, cancellationToken))
        {
            var current = TryReadCurrent(key);
            if (!options.Condition.IsSatisfiedBy(current.ETag))
            {
                throw options.Condition.ToConflict(key, null, "save");
            }

            var now = _time.GetUtcNow().ToUniversalTime();
            var updated = current.Updated is { } previous && previous > now ? previous : now;
            var created = current.Created ?? updated;
            byte[] etag = ObjectHeader.NewETag();
            Span<byte> fields = stackalloc byte[ObjectHeader.FixedFieldsLength];
            var lastModified = options.LastModified?.ToUniversalTime();
            ObjectHeader.WriteFixedFields(fields, size, created, updated, etag, sha256, lastModified);
            RandomAccess.Write(handle, fields, ObjectHeader.FixedFieldsOffset);
            if (_options.Durable)
            {
                RandomAccess.FlushToDisk(handle);
            }

            handle.Dispose();
            MoveIntoPlace(key, path, temporary, ref createdFolders);
            if (_options.Durable)
            {
                NativeMethods.FlushDirectory(Path.GetDirectoryName(path)!);
                foreach (var folder in createdFolders)
                {
                    NativeMethods.FlushDirectory(folder);
                }
            }

            return new StorageItem
            {
                Key = key,
                Size = size,
                Created = created,
                Updated = updated,
                ETag = ObjectHeader.FormatETag(etag),
                ContentType = options.ContentType,
                Metadata = StorageMetadata.Freeze(options.Metadata),
                Hashes = ObjectHeader.HashesOf(sha256),
                LastModified = lastModified,
            };
        }
    }
}
