using System.Globalization;
using System.Text.RegularExpressions;
using Atomiton.Storage.Plugins.Dropbox.Wire;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>Saving: one <c>files/upload</c> up to a chunk, an upload session beyond; the write condition becomes Dropbox's write mode.</summary>
public sealed partial class DropboxEngine
{
    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var commit = CommitOf(key, options.Condition, options.LastModified);
        if (commit is null)
        {
            throw NotAtRevision(key, options.Condition.ETag!, null);
        }

        long? lengthHint = options.ExpectedLength ?? (content.CanSeek ? Math.Max(0, content.Length - content.Position) : null);
        var reader = new ChunkReader(content, _options.ChunkSize, lengthHint);
        await reader.ReadNextAsync(cancellationToken);
        CheckLength(key, reader, options);
        using var hash = StorageContentHash.Create(StorageHashAlgorithms.Dropbox);
        if (!reader.IsLast)
        {
            // The session's chunks are hashed while they are sent (the hash is needed only at finish).
            return await AdoptSpellingAsync(key, await new DropboxUploader(_client, this).UploadAsync(key, commit, reader, hash, options, cancellationToken), cancellationToken);
        }

        hash.Append(reader.Chunk.Span); // files/upload carries the hash in its argument, so it comes first

        if (options.ExpectedLength is { } expected && expected != reader.TotalRead)
        {
            throw LengthMismatch(key, reader.TotalRead, expected);
        }

        string contentHash = hash.GetResult();
        var body = reader.Chunk;
        var arg = commit with { ContentHash = contentHash };
        bool failedBefore = false;
        try
        {
            var metadata = await _client.RetryAsync(async token =>
            {
                try
                {
                    return await _client.UploadOnceAsync("files/upload", arg, DropboxJsonContext.Default.WireCommit, body, DropboxJsonContext.Default.WireMetadata, key, write: true, token);
                }
                catch (StorageException e) when (e.IsTransient)
                {
                    failedBefore = true;
                    throw;
                }
            }, cancellationToken);
            return await AdoptSpellingAsync(key, Checked(metadata, key, contentHash), cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
        {
            return await OwnWriteOrThrowAsync(key, contentHash, failedBefore, e, options.Condition, cancellationToken);
        }
    }

    /// <summary>
    /// After a conditional write failed with a conflict on a retry: when the earlier attempt did
    /// land (its answer was lost), the file holds exactly these bytes, so the write succeeded.
    /// </summary>
    internal async ValueTask<StorageItem> OwnWriteOrThrowAsync(string key, string contentHash, bool failedBefore, StorageException conflict, WriteCondition condition, CancellationToken cancellationToken)
    {
        if (failedBefore && await FindAsync(key, cancellationToken) is { } current && string.Equals(current.ContentHash, contentHash, StringComparison.OrdinalIgnoreCase))
        {
            return ItemOf(current, key);
        }

        throw condition.Kind == WriteConditionKind.IfMatch ? NotAtRevision(key, condition.ETag!, conflict) : conflict;
    }

    /// <summary>The commit (write mode) for a condition; null when an if-match ETag cannot be a Dropbox revision (no file can match it).</summary>
    internal WireCommit? CommitOf(string key, WriteCondition condition, DateTimeOffset? lastModified)
    {
        var mode = condition.Kind switch
        {
            WriteConditionKind.IfNotExists => WireWriteMode.Add,
            WriteConditionKind.IfMatch when IsRevision(condition.ETag!) => new WireWriteMode("update", condition.ETag),
            WriteConditionKind.IfMatch => null,
            _ => WireWriteMode.Overwrite,
        };
        return mode is null ? null : new WireCommit
        {
            Path = _paths.PathOf(key),
            Mode = mode,
            Autorename = false,
            // Conditions must conflict even when the bytes are identical (Dropbox otherwise accepts them silently).
            StrictConflict = condition.Kind != WriteConditionKind.None,
            ClientModified = lastModified?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Checks the hash Dropbox computed against the one computed here while sending.</summary>
    internal StorageItem Checked(WireMetadata metadata, string key, string contentHash) =>
        string.Equals(metadata.ContentHash, contentHash, StringComparison.OrdinalIgnoreCase)
            ? ItemOf(metadata, key)
            : throw new StorageException(StorageErrorCode.Integrity, $"Dropbox stored key '{key}' with content hash {metadata.ContentHash}, but the bytes sent hash to {contentHash}. Save it again.")
            { Key = key, Provider = EngineType };

    internal static void CheckLength(string key, ChunkReader reader, SaveOptions options)
    {
        if (options.ExpectedLength is { } expected && reader.TotalRead > expected)
        {
            throw LengthMismatch(key, reader.TotalRead, expected);
        }
    }

    internal static StorageException LengthMismatch(string key, long actual, long expected) =>
        new(StorageErrorCode.InvalidArgument, $"The content stream for key '{key}' yielded {(actual > expected ? "more than " + expected.ToString(CultureInfo.InvariantCulture) : actual.ToString(CultureInfo.InvariantCulture))} bytes but ExpectedLength is {expected}. Nothing was written.")
        { Key = key, Provider = DropboxProvider.TypeName };

    private static StorageException NotAtRevision(string key, string etag, Exception? inner) =>
        new(StorageErrorCode.Conflict, $"The Dropbox file for key '{key}' is not at revision '{etag}' (or does not exist); nothing was written.", inner!)
        { Key = key, Provider = DropboxProvider.TypeName };

    /// <summary>Dropbox revisions are at least nine hexadecimal digits.</summary>
    private static bool IsRevision(string etag) => RevisionPattern().IsMatch(etag);

    [GeneratedRegex("^[0-9a-f]{9,}$", RegexOptions.CultureInvariant)]
    private static partial Regex RevisionPattern();
}
