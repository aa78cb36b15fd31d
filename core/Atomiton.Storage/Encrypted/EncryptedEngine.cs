using System.Globalization;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// The <c>encrypted</c> wrapper: every object is stored as segmented AES-256-GCM (format in
/// <c>docs/encryption-format.md</c>), bound to its key, so any altered, truncated, extended,
/// reordered or swapped object fails with <see cref="StorageErrorCode.Integrity"/> instead of
/// returning wrong bytes. Sizes and ranges are in plaintext terms; a range decrypts only the
/// segments it covers. ETags, times, content types and user metadata pass through unencrypted.
/// Optionally key names are encrypted too (<see cref="KeyNameCipher"/>). Thread-safe.
/// </summary>
public sealed class EncryptedEngine : DelegatingStorageEngine
{
    /// <summary>The engine type name, <c>encrypted</c>.</summary>
    public const string TypeName = "encrypted";

    private const int MaxRangeAttempts = 3;

    private readonly EncryptionKeyRing _keys;
    private readonly KeyNameCipher? _names;
    private readonly IStorageLogger _logger;
    private readonly SegmentCipherFactory? _ciphers;
    private StorageKeyRules? _encryptedNameRules;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">Where the encrypted objects are stored.</param>
    /// <param name="keys">The key ring; its active key encrypts new writes.</param>
    /// <param name="names">Encrypts key names before they reach <paramref name="inner"/>; null to store names as they are. Owned: disposed with this engine.</param>
    /// <param name="logger">Where to log (never content or keys); null for none.</param>
    /// <param name="ownsInner">Whether disposing this engine disposes <paramref name="inner"/>.</param>
    public EncryptedEngine(IStorageEngine inner, EncryptionKeyRing keys, KeyNameCipher? names = null, IStorageLogger? logger = null, bool ownsInner = true)
        : this(inner, keys, names, logger, ownsInner, ciphers: null)
    {
    }

    /// <summary>Wraps <paramref name="inner"/>, sealing segments with <paramref name="ciphers"/>.</summary>
    /// <param name="inner">Where the encrypted objects are stored.</param>
    /// <param name="keys">The key ring; its active key encrypts new writes.</param>
    /// <param name="names">Encrypts key names before they reach <paramref name="inner"/>; null to store names as they are. Owned: disposed with this engine.</param>
    /// <param name="logger">Where to log (never content or keys); null for none.</param>
    /// <param name="ownsInner">Whether disposing this engine disposes <paramref name="inner"/>.</param>
    /// <param name="ciphers">The AES-256-GCM to seal segments with; null for .NET's (not available in browser WebAssembly, where the browser package supplies WebCrypto's). The stored format is the same either way.</param>
    public EncryptedEngine(IStorageEngine inner, EncryptionKeyRing keys, KeyNameCipher? names, IStorageLogger? logger, bool ownsInner, SegmentCipherFactory? ciphers)
        : base(inner, ownsInner)
    {
        _ciphers = ciphers;
        ArgumentNullException.ThrowIfNull(keys);
        _ = keys.Active;
        _keys = keys;
        _names = names;
        _logger = logger ?? NullStorageLogger.Instance;
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>
    /// The inner engine's capabilities without native copy and move (content is re-encrypted for its new key)
    /// and without content hashes (the inner engine hashes ciphertext); ranges always work. With encrypted
    /// names, listings are not in ordinal order (encrypted names do not sort like their plaintext), so
    /// <see cref="StorageCapabilities.OrderedList"/> is not declared: listings stream in the inner engine's
    /// order and resume by its tokens.
    /// </summary>
    public override StorageCapabilities Capabilities =>
        (Inner.Capabilities & ~(StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove | StorageCapabilities.ContentHashes
            | (_names is null ? StorageCapabilities.None : StorageCapabilities.OrderedList)))
        | (Inner.Capabilities.HasFlag(StorageCapabilities.Read) ? StorageCapabilities.RangeRead : StorageCapabilities.None);

    /// <summary>
    /// The inner engine's restrictions; with encrypted names also <see cref="StorageTraits.UnorderedListing"/>, and
    /// never <see cref="StorageTraits.CaseInsensitiveKeys"/>: names differing in case encrypt to unrelated names.
    /// </summary>
    public override StorageTraits Traits => _names is null
        ? Inner.Traits
        : (Inner.Traits & ~StorageTraits.CaseInsensitiveKeys) | StorageTraits.UnorderedListing;

    /// <summary>
    /// The inner engine's rules for plain names. With encrypted names, derived from the inner engine's: a
    /// segment of n UTF-8 bytes is stored as 22 + 4n/3 base64url characters, so the segment limit is
    /// <c>3 × inner segment limit / 4 − 16</c> (175 under the grammar's 255), and the key limit is the longest key
    /// of such full segments whose encrypted form fits the inner key limit. A key of many short segments grows
    /// more once encrypted; one whose encrypted form would still not fit is refused with
    /// <see cref="StorageErrorCode.UnrepresentableKey"/> too. Case, characters and reserved names of the inner
    /// engine do not apply: the backend stores only base64url names.
    /// </summary>
    public override StorageKeyRules KeyRules => _names is null ? Inner.KeyRules : _encryptedNameRules ??= EncryptedNameRules(Inner.KeyRules);

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        string innerKey = ToInnerKey(key, "save");
        // A plain MemoryStream (what a save of a byte array passes) cannot misstate its length: with
        // it the inner engine learns the stored size up front, so a filesystem preallocates the file
        // (without that, ext4 saves are several times slower). Other streams' lengths stay hints.
        long? plaintextLength = options.ExpectedLength
            ?? (content.GetType() == typeof(MemoryStream) ? Math.Max(0, content.Length - content.Position) : null);
        var cipher = await ObjectCipher.ForWriteAsync(_keys.Active, key, _ciphers, cancellationToken);
        await using var sealedContent = new EncryptingStream(content, cipher, plaintextLength, key);
        // Expected hashes and progress are about the plaintext and were checked and reported above this call.
        var innerOptions = options with { ExpectedLength = plaintextLength is { } n ? EncryptedFormat.CiphertextLength(n) : null, ExpectedHashes = null, Progress = null };
        try
        {
            var stored = await Inner.SaveAsync(innerKey, sealedContent, innerOptions, cancellationToken);
            return ToPlainItem(stored, key);
        }
        catch (StorageException e) when (NamesInnerKey(e, innerKey))
        {
            throw WithPlainKey(e, innerKey, key);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        string innerKey = ToInnerKey(key, "load");
        try
        {
            return await OpenDecryptingAsync(key, innerKey, options, cancellationToken);
        }
        catch (StorageException e) when (NamesInnerKey(e, innerKey))
        {
            throw WithPlainKey(e, innerKey, key);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        string innerKey = ToInnerKey(key, "stat");
        try
        {
            return ToPlainItem(await Inner.StatAsync(innerKey, cancellationToken), key);
        }
        catch (StorageException e) when (NamesInnerKey(e, innerKey))
        {
            throw WithPlainKey(e, innerKey, key);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        string innerKey = ToInnerKey(key, "exists");
        try
        {
            return await Inner.ExistsAsync(innerKey, cancellationToken);
        }
        catch (StorageException e) when (NamesInnerKey(e, innerKey))
        {
            throw WithPlainKey(e, innerKey, key);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        string innerKey = ToInnerKey(key, "delete");
        try
        {
            return await Inner.DeleteAsync(innerKey, options, cancellationToken);
        }
        catch (StorageException e) when (NamesInnerKey(e, innerKey))
        {
            throw WithPlainKey(e, innerKey, key);
        }
    }

    /// <summary>Deletes the keys' stored (possibly encrypted) names in the inner engine's batches; results carry the plaintext keys.</summary>
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var innerKeys = keys.Select(key => ToInnerKey(key, StorageOperation.DeleteMany)).ToArray();
        var results = await Inner.DeleteManyAsync(innerKeys, cancellationToken);
        return [.. results.Select((result, i) => new StorageDeleteResult(keys[i], result.Deleted,
            result.Error is { } error && NamesInnerKey(error, innerKeys[i]) ? WithPlainKey(error, innerKeys[i], keys[i]) : result.Error))];
    }

    /// <summary>A cursor for the stored prefix; with encrypted names it also remembers the partial last segment to filter by.</summary>
    protected override async ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        if (_names is null)
        {
            return await Inner.GetChangeCursorAsync(prefix, cancellationToken);
        }

        var (innerPrefix, plainFilter) = _names.EncryptPrefix(prefix);
        return ChangeCursor.Wrap(plainFilter, await Inner.GetChangeCursorAsync(innerPrefix, cancellationToken));
    }

    /// <summary>The inner engine's changes with plaintext keys, sizes and no ciphertext hashes; tombstones too.</summary>
    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var (filter, innerCursor) = _names is null ? (string.Empty, cursor) : ChangeCursor.Unwrap(cursor);
        var page = await Inner.ReadChangesAsync(innerCursor, options, cancellationToken);
        var changes = new List<StorageChange>(page.Changes.Count);
        foreach (var change in page.Changes)
        {
            if (change.Key == PassphraseSaltRecord.ReservedKey)
            {
                continue;
            }

            string key = FromInnerKey(change.Key);
            string? previous = change.PreviousKey is { } moved ? FromInnerKey(moved) : null;
            if (!key.StartsWith(filter, StringComparison.Ordinal) && (previous is null || !previous.StartsWith(filter, StringComparison.Ordinal)))
            {
                continue;
            }

            changes.Add(change with { Key = key, PreviousKey = previous, Item = change.Item is null ? null : ToPlainItem(change.Item, key) });
        }

        return page with { Changes = changes, Cursor = _names is null ? page.Cursor : ChangeCursor.Wrap(filter, page.Cursor) };
    }

    /// <inheritdoc />
    protected override ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken) =>
        Inner.WaitForChangesAsync(_names is null ? cursor : ChangeCursor.Unwrap(cursor).InnerCursor, timeout, cancellationToken);

    private async ValueTask<StorageReadResult> OpenDecryptingAsync(string key, string innerKey, ReadOptions options, CancellationToken cancellationToken)
    {
        if (options.Range is { } range && Inner.Capabilities.HasFlag(StorageCapabilities.RangeRead))
        {
            return await OpenRangeAsync(key, innerKey, range, options.IfNoneMatch, cancellationToken);
        }

        var result = await Inner.OpenReadAsync(innerKey, new ReadOptions { IfNoneMatch = options.IfNoneMatch }, cancellationToken);
        try
        {
            var item = ToPlainItem(result.Item, key);
            if (result.NotModified)
            {
                return StorageReadResult.ForNotModified(item);
            }

            var header = await ReadHeaderAsync(result.Content, key, cancellationToken);
            var cipher = await OpenCipherAsync(header, key, cancellationToken);
            var (start, length) = options.Range?.Resolve(item.Size) ?? (0, item.Size);
            var stream = new DecryptingStream(result.Content, cipher, item.Size, 0, 0, start + length, key, verifyToEnd: options.Range is null);
            return new StorageReadResult(item, options.Range is null ? stream : new SkippingStream(stream, start));
        }
        catch
        {
            await result.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    protected override IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken) =>
        _names is null ? ListPlainNamesAsync(options, cancellationToken) : ListEncryptedNamesAsync(options, cancellationToken);

    /// <summary>The inner information, with the active key id, the ids in the ring and the format in <see cref="StorageInfo.Details"/>.</summary>
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var info = await base.GetInfoCoreAsync(cancellationToken);
        return info with
        {
            HashAlgorithms = [],
            Details = new Dictionary<string, string>
            {
                ["format"] = "ATSE v1 (AES-256-GCM, 64 KiB segments)",
                ["activeKeyId"] = _keys.ActiveKeyId,
                ["keyIds"] = string.Join(",", _keys.KeyIds.Order(StringComparer.Ordinal)),
                ["encryptKeys"] = (_names is not null).ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
            },
        };
    }

    /// <summary>
    /// Re-encrypts every object not yet under the active key, one object at a time, each replaced
    /// atomically and only if unchanged since it was read (if-match), so an interruption loses
    /// nothing and running it again resumes: objects already under the active key are skipped.
    /// </summary>
    /// <param name="progress">Receives the running totals after each object; null for none.</param>
    /// <param name="cancellationToken">Stops after the object in hand; run again to continue.</param>
    /// <returns>How many objects were examined, re-encrypted, already current, or skipped because they changed meanwhile.</returns>
    /// <exception cref="StorageException">An object cannot be read with any key in the ring, or a backend error.</exception>
    public async Task<KeyRotationResult> RotateAsync(IProgress<KeyRotationResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var totals = new KeyRotationResult();
        await foreach (var entry in Inner.ListAsync(ListOptions.Default, cancellationToken))
        {
            if (entry.Item is null || entry.Key == PassphraseSaltRecord.ReservedKey)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await RotateOneAsync(entry.Key, entry.Item, cancellationToken);
            totals = totals.Add(outcome);
            progress?.Report(totals);
        }

        _logger.Log(StorageLogLevel.Information, $"Key rotation to '{_keys.ActiveKeyId}' finished: {totals}.");
        return totals;
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _names?.Dispose();
        await base.DisposeCoreAsync();
    }

    private async ValueTask<KeyRotationOutcome> RotateOneAsync(string innerKey, StorageItem innerItem, CancellationToken cancellationToken)
    {
        string key = FromInnerKey(innerKey);
        byte[] header;
        var headerRange = Inner.Capabilities.HasFlag(StorageCapabilities.RangeRead) ? new ReadOptions { Range = ByteRange.From(0, EncryptedFormat.HeaderSize) } : ReadOptions.Default;
        try
        {
            await using var read = await Inner.OpenReadAsync(innerKey, headerRange, cancellationToken);
            header = await ReadHeaderAsync(read.Content, key, cancellationToken);
            if (read.Item.ETag != innerItem.ETag)
            {
                innerItem = read.Item;
            }
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return KeyRotationOutcome.Skipped;
        }

        if (EncryptedFormat.TryReadKeyId(header, out _) == _keys.ActiveKeyId)
        {
            return KeyRotationOutcome.AlreadyCurrent;
        }

        try
        {
            await using var source = await OpenReadCoreAsync(key, ReadOptions.Default, cancellationToken);
            if (source.Item.ETag != innerItem.ETag)
            {
                return KeyRotationOutcome.Skipped;
            }

            var condition = Inner.Capabilities.HasFlag(StorageCapabilities.ConditionalWrite) ? WriteCondition.IfMatch(innerItem.ETag) : WriteCondition.None;
            var options = new SaveOptions
            {
                Condition = condition,
                ContentType = source.Item.ContentType,
                Metadata = source.Item.Metadata.Count == 0 ? null : source.Item.Metadata,
                ExpectedLength = source.Item.Size,
            };
            await SaveCoreAsync(key, source.Content, options, cancellationToken);
            return KeyRotationOutcome.Rotated;
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.Conflict or StorageErrorCode.NotFound)
        {
            return KeyRotationOutcome.Skipped;
        }
    }

    private async ValueTask<StorageReadResult> OpenRangeAsync(string key, string innerKey, ByteRange range, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            byte[] header;
            StorageItem innerItem;
            await using (var head = await Inner.OpenReadAsync(innerKey, new ReadOptions { Range = ByteRange.From(0, EncryptedFormat.HeaderSize), IfNoneMatch = ifNoneMatch }, cancellationToken))
            {
                if (head.NotModified)
                {
                    return StorageReadResult.ForNotModified(ToPlainItem(head.Item, key));
                }

                innerItem = head.Item;
                header = await ReadHeaderAsync(head.Content, key, cancellationToken);
            }

            var item = ToPlainItem(innerItem, key);
            var (start, length) = range.Resolve(item.Size);
            var cipher = await OpenCipherAsync(header, key, cancellationToken);
            if (length == 0)
            {
                await cipher.DisposeAsync();
                return new StorageReadResult(item, Stream.Null);
            }

            long first = start / EncryptedFormat.SegmentSize;
            long last = (start + length - 1) / EncryptedFormat.SegmentSize;
            long innerStart = EncryptedFormat.SegmentOffset(first);
            long innerEnd = EncryptedFormat.SegmentOffset(last) + EncryptedFormat.SegmentPlaintextLength(last, item.Size) + EncryptedFormat.TagSize;
            var body = await Inner.OpenReadAsync(innerKey, new ReadOptions { Range = ByteRange.From(innerStart, innerEnd - innerStart) }, cancellationToken);
            if (body.Item.ETag != innerItem.ETag)
            {
                // The object was replaced between the two reads: start again with its new header.
                await cipher.DisposeAsync();
                await body.DisposeAsync();
                if (attempt == MaxRangeAttempts)
                {
                    throw new StorageException(StorageErrorCode.Conflict, $"Key '{key}' kept changing while a range of it was read; retry the read.") { Key = key, IsTransient = true };
                }

                continue;
            }

            int skip = (int)(start - (first * EncryptedFormat.SegmentSize));
            return new StorageReadResult(item, new DecryptingStream(body.Content, cipher, item.Size, first, skip, length, key, verifyToEnd: false));
        }
    }

    private async IAsyncEnumerable<StorageEntry> ListPlainNamesAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in Inner.ListAsync(options, cancellationToken))
        {
            if (entry.Key == PassphraseSaltRecord.ReservedKey)
            {
                continue;
            }

            // Prefixes, and objects of a keys-only listing, carry no item to translate.
            yield return entry.Item is null ? entry : entry with { Item = ToPlainItem(entry.Item, entry.Key) };
        }
    }

    private async IAsyncEnumerable<StorageEntry> ListEncryptedNamesAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Encrypted names do not sort like their plaintext: entries stream in the inner engine's order, each
        // with the inner engine's resume point as its token, so nothing is collected and a listing resumes
        // where the inner one would. A partial last segment of the prefix is filtered on the decrypted names.
        var (innerPrefix, plainFilter) = _names!.EncryptPrefix(options.Prefix);
        await foreach (var entry in Inner.ListAsync(options with { Prefix = innerPrefix }, cancellationToken))
        {
            if (entry.Key == PassphraseSaltRecord.ReservedKey)
            {
                continue;
            }

            string plain = entry.IsPrefix ? _names.DecryptPrefix(entry.Key) : FromInnerKey(entry.Key);
            if (!plain.StartsWith(plainFilter, StringComparison.Ordinal))
            {
                continue;
            }

            var translated = entry.IsPrefix ? StorageEntry.ForPrefix(plain)
                : entry.Item is null ? StorageEntry.ForKey(plain) // keys-only: the name is decrypted all the same
                : StorageEntry.ForItem(ToPlainItem(entry.Item, plain));
            yield return translated with { ContinuationToken = entry.ResumePoint };
        }
    }

    private string ToInnerKey(string key, string operation)
    {
        if (_names is not null)
        {
            string encrypted = _names.EncryptKey(key);
            return Inner.KeyRules.Explain(encrypted) is { } reason
                ? throw StorageException.Unrepresentable(key, $"its encrypted name is {System.Text.Encoding.UTF8.GetByteCount(encrypted)} bytes long and the engine beneath cannot store it ({reason}); use shorter or fewer segments", TypeName, operation)
                : encrypted;
        }

        if (key == PassphraseSaltRecord.ReservedKey)
        {
            throw new StorageException(StorageErrorCode.InvalidKey, $"Key '{key}' is reserved by the encrypted engine for its passphrase salt record; choose another key.")
            { Key = key, Provider = TypeName, Operation = operation };
        }

        return key;
    }

    private bool NamesInnerKey(StorageException e, string innerKey) => _names is not null && e.Key == innerKey;

    /// <summary>The inner engine's error about an encrypted name, restated for the caller's plaintext key.</summary>
    private static StorageException WithPlainKey(StorageException e, string innerKey, string key) =>
        new(e.Code, e.Message.Replace(innerKey, key, StringComparison.Ordinal), e.InnerException)
        {
            IsTransient = e.IsTransient,
            Provider = e.Provider,
            Operation = e.Operation,
            Key = key,
            RetryAfter = e.RetryAfter,
        };

    private string FromInnerKey(string innerKey) => _names is null ? innerKey : _names.DecryptKey(innerKey);

    private ValueTask<ObjectCipher> OpenCipherAsync(byte[] header, string key, CancellationToken cancellationToken)
    {
        string? keyId = EncryptedFormat.TryReadKeyId(header, out var problem);
        if (keyId is null)
        {
            throw EncryptedErrors.Tampered(key, problem!);
        }

        if (!_keys.TryGet(keyId, out var ringKey))
        {
            throw EncryptedErrors.UnknownKeyId(key, keyId);
        }

        if (!header.AsSpan(EncryptedFormat.KeyCheckOffset, EncryptedFormat.KeyCheckSize).SequenceEqual(ringKey.KeyCheck))
        {
            throw EncryptedErrors.WrongKey(key, keyId);
        }

        return ObjectCipher.ForReadAsync(header, ringKey, key, _ciphers, cancellationToken);
    }

    private static async ValueTask<byte[]> ReadHeaderAsync(Stream content, string key, CancellationToken cancellationToken)
    {
        var header = new byte[EncryptedFormat.HeaderSize];
        int read = await content.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return read == header.Length ? header : throw EncryptedErrors.Tampered(key, "it is shorter than the encrypted-object header");
    }

    private static StorageKeyRules EncryptedNameRules(StorageKeyRules inner)
    {
        int segment = Math.Min(StorageKey.MaxSegmentBytes, KeyNameCipher.MaxPlainSegmentBytes(inner.MaxSegmentBytes));
        int innerKey = Math.Min(StorageKey.MaxKeyBytes, inner.MaxKeyBytes);

        // The longest key made of full segments (and one shorter last one) whose encrypted form fits the inner limit.
        int longest = 0;
        for (int full = 0; full * (segment + 1) <= StorageKey.MaxKeyBytes + 1; full++)
        {
            for (int rest = full == 0 ? 1 : 0; rest < segment; rest++)
            {
                int segments = full + (rest > 0 ? 1 : 0);
                int plain = (full * segment) + rest + segments - 1;
                int encrypted = (full * KeyNameCipher.EncryptedSegmentLength(segment)) + (rest > 0 ? KeyNameCipher.EncryptedSegmentLength(rest) : 0) + segments - 1;
                if (plain <= StorageKey.MaxKeyBytes && encrypted <= innerKey)
                {
                    longest = Math.Max(longest, plain);
                }
            }
        }

        return new StorageKeyRules
        {
            MaxKeyBytes = longest,
            MaxSegmentBytes = segment,
            ObjectAndFolderMayShareName = inner.ObjectAndFolderMayShareName,
        };
    }

    private static StorageItem ToPlainItem(StorageItem stored, string key)
    {
        long size = EncryptedFormat.PlaintextLength(stored.Size);
        if (size < 0)
        {
            throw EncryptedErrors.Tampered(key, $"its stored size ({stored.Size} bytes) is not the size of any encrypted object (truncated or extended)");
        }

        // The inner engine's hashes are of the ciphertext: they say nothing about the content callers see.
        return stored with { Key = key, Size = size, Hashes = StorageItem.EmptyMetadata };
    }
}
