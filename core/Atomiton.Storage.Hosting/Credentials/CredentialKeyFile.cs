using System.Security.Cryptography;

namespace Atomiton.Storage.Hosting.Credentials;

/// <summary>
/// The 256-bit key that seals credential files, kept in a file readable by its owner only (mode 0600
/// on Unix; on Windows it sits in the user's profile, whose access list admits only that user and
/// administrators). Created create-only, so two processes starting together agree on one key.
/// </summary>
internal static class CredentialKeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Reads the key, creating it first when there is none.</summary>
    /// <exception cref="StorageException">AccessDenied when others may read the key file; Integrity when it is not a key.</exception>
    public static byte[] LoadOrCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
        {
            TryCreate(path);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new StorageException(StorageErrorCode.AccessDenied, $"The credential key file '{path}' may be read or written by other users (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); it was not used. Run `chmod 600 '{path}'` if only you could have changed it, otherwise delete it and sign in again.");
        }

        byte[] key = File.ReadAllBytes(path);
        if (key.Length != 32)
        {
            throw new StorageException(StorageErrorCode.Integrity, $"The credential key file '{path}' holds {key.Length} bytes, not a 32-byte key (damaged or replaced); it was not used. Delete it and every file in the credentials folder beside it, then sign in again.");
        }

        return key;
    }

    private static void TryCreate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(RandomNumberGenerator.GetBytes(32));
                stream.Flush(flushToDisk: true);
            }

            // Create-only: when another process made the key first, keep its key and drop ours.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
