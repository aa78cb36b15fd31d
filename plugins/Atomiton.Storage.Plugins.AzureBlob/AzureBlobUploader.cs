using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Atomiton.Storage.Plugins.AzureBlob;

/// <summary>
/// Sends one object: content that fits in one block goes in one Put Blob; longer content is staged
/// block by block (one block in memory at a time) and made visible by one Put Block List at the end,
/// which is where the service checks the write's condition. Staged blocks that are never committed are
/// invisible (no listing, stat or read shows them) and the service discards them, so a failed upload
/// leaves no object and keeps the previous version intact. The MD5 of the content is computed as it
/// streams and sent with the request, so the service both checks it and keeps it as the blob's hash.
/// </summary>
internal sealed class AzureBlobUploader(int blockSize)
{
    /// <summary>Azure's limit on blocks in one blob.</summary>
    public const int MaxBlocks = 50_000;

    private const int InitialBufferSize = 64 * 1024;

    public async ValueTask<BlobContentInfo> UploadAsync(BlockBlobClient blob, string key, Stream content, SaveOptions options, BlobHttpHeaders headers, IDictionary<string, string>? metadata, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        await using var source = new ExactLengthStream(content, key, options.ExpectedLength, [StorageHashAlgorithms.Md5], AzureBlobProvider.TypeName);
        long? lengthHint = options.ExpectedLength ?? (content.CanSeek ? Math.Max(0, content.Length - content.Position) : null);
        // One byte more than a known length, so a source that runs long fills the buffer and is noticed.
        int initial = (int)Math.Clamp(lengthHint is { } hint ? hint + 1 : InitialBufferSize, 1, blockSize);
        byte[] buffer = new byte[initial];
        (buffer, int filled) = await FillAsync(source, buffer, cancellationToken);
        if (filled < blockSize)
        {
            // The whole content is read (FillAsync stops short only at its end): one request.
            headers.ContentHash = Md5Of(source);
            using var body = new MemoryStream(buffer, 0, filled, writable: false);
            var uploaded = await blob.UploadAsync(body, new BlobUploadOptions { HttpHeaders = headers, Metadata = metadata, Conditions = conditions }, cancellationToken);
            return uploaded.Value;
        }

        string upload = Guid.NewGuid().ToString("N");
        var blocks = new List<string>();
        while (filled > 0)
        {
            if (blocks.Count == MaxBlocks)
            {
                throw new StorageException(StorageErrorCode.ObjectTooLarge,
                    $"Key '{key}' is longer than {MaxBlocks:N0} blocks of {blockSize:N0} bytes, the most one Azure blob holds at this block size. Raise option 'blockSize'. Nothing was written.")
                { Key = key, Provider = AzureBlobProvider.TypeName };
            }

            string id = BlockId(upload, blocks.Count);
            using (var block = new MemoryStream(buffer, 0, filled, writable: false))
            {
                await blob.StageBlockAsync(id, block, new BlockBlobStageBlockOptions(), cancellationToken);
            }

            blocks.Add(id);
            (buffer, filled) = await FillAsync(source, buffer, cancellationToken);
        }

        headers.ContentHash = Md5Of(source);
        var committed = await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions { HttpHeaders = headers, Metadata = metadata, Conditions = conditions }, cancellationToken);
        return committed.Value;
    }

    /// <summary>
    /// Reads until the buffer holds a whole block or the source ends, growing the buffer up to the block
    /// size only while the source keeps yielding, so a small object never costs a whole block of memory.
    /// </summary>
    private async ValueTask<(byte[] Buffer, int Filled)> FillAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (filled < blockSize)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, blockSize));
            }

            int read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return (buffer, filled);
    }

    private static byte[] Md5Of(ExactLengthStream source) => Convert.FromHexString(source.GetHashes()[StorageHashAlgorithms.Md5]);

    /// <summary>Block ids of one blob must all have the same length: the upload's id and a fixed-width index.</summary>
    private static string BlockId(string upload, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{upload}-{index:D6}")));
}
