using System.Security.Cryptography;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// Content being written to a file of the emulator's folder (never held in memory): an upload
/// appends to it, a broken chunk is cut back to what was confirmed, and completing it computes the
/// three hashes Drive reports.
/// </summary>
internal sealed class DriveContent : IDisposable
{
    private readonly FileStream _file;

    public DriveContent(string directory)
    {
        Path = System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N"));
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
    }

    public string Path { get; }

    public long Length => _file.Length;

    /// <summary>Copies a body to the end, up to <paramref name="limit"/> bytes (null: to its end); returns how many were copied.</summary>
    public async Task<long> AppendFromAsync(Stream body, long? limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        long copied = 0;
        _file.Seek(0, SeekOrigin.End);
        while (limit is null || copied < limit)
        {
            int want = limit is { } l ? (int)Math.Min(buffer.Length, l - copied) : buffer.Length;
            int read = await body.ReadAsync(buffer.AsMemory(0, want), cancellationToken);
            if (read == 0)
            {
                break;
            }

            await _file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            copied += read;
        }

        return copied;
    }

    /// <summary>Cuts the content back to <paramref name="length"/> bytes (a chunk that did not arrive whole is not kept).</summary>
    public void TruncateTo(long length) => _file.SetLength(length);

    /// <summary>Closes the file and computes the hashes Drive reports.</summary>
    public async Task<CompletedContent> CompleteAsync(CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken);
        _file.Seek(0, SeekOrigin.Begin);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await _file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            sha1.AppendData(buffer, 0, read);
            sha256.AppendData(buffer, 0, read);
        }

        long size = _file.Length;
        await _file.DisposeAsync();
        return new CompletedContent(Path, size, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha1.GetHashAndReset()), Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }

    /// <summary>Abandons the content (a failed, cancelled or expired upload).</summary>
    public void Discard()
    {
        _file.Dispose();
        TryDelete(Path);
    }

    public void Dispose() => _file.Dispose();

    public static void TryDelete(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Content written whole: its file, size and hashes.</summary>
internal sealed record CompletedContent(string Path, long Size, string Md5, string Sha1, string Sha256)
{
    public void CopyInto(DriveFile file)
    {
        DriveContent.TryDelete(file.ContentPath);
        (file.ContentPath, file.Size, file.Md5, file.Sha1, file.Sha256) = (Path, Size, Md5, Sha1, Sha256);
    }
}
