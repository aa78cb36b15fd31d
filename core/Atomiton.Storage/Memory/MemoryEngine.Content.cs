namespace Atomiton.Storage.Memory;

// Reading a save's content: the exact-length check, the size limit, and the SHA-256 every item
// carries, computed as the content is buffered (never by reading it a second time).
public sealed partial class MemoryEngine
{
    /// <summary>Content hashes and client-set times, declared with the hash algorithms and precision below.</summary>
    private const StorageCapabilities HashCapabilities = StorageCapabilities.ContentHashes | StorageCapabilities.SetLastModified;

    /// <summary>The algorithms every item carries.</summary>
    private static readonly string[] HashAlgorithms = [StorageHashAlgorithms.Sha256];

    /// <summary><see cref="SaveOptions.LastModified"/> is kept exactly (a <see cref="DateTimeOffset"/> tick).</summary>
    private static readonly TimeSpan ModifiedTimePrecision = TimeSpan.FromTicks(1);

    private async ValueTask<(byte[] Content, IReadOnlyDictionary<string, string> Hashes)> ReadContentAsync(string key, Stream content, long? expectedLength, CancellationToken cancellationToken)
    {
        long limit = Math.Min(_options.MaxObjectSize ?? Array.MaxLength, Array.MaxLength);
        if (expectedLength > limit)
        {
            throw TooLarge(key, expectedLength.Value, limit);
        }

        await using var source = new ExactLengthStream(content, key, expectedLength, HashAlgorithms, EngineType);
        using var buffer = new MemoryStream(expectedLength is { } n ? (int)n : 0);
        var chunk = new byte[81920];
        while (true)
        {
            int read = await source.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                break;
            }

            if (buffer.Length + read > limit)
            {
                throw TooLarge(key, buffer.Length + read, limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), source.GetHashes());
    }
}
