using System.Security.Cryptography;
using Atomiton.Storage.Cloud.Server.Http;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Server.State;

/// <summary>
/// The listing token key of a server without a database: a file beside the key file with the extension
/// <c>.listing-key</c> (<c>cloud-keys.json</c> → <c>cloud-keys.listing-key</c>), 32 random bytes readable and
/// writable by the server's user only, created on the first start and read on every later one, so tokens
/// survive a restart. Where that file can be neither read nor created (a read-only folder), the key lives in
/// this process only, and tokens issued before a restart are refused (the client starts its listing again).
/// </summary>
internal static class ListingTokenKeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The path of the key file beside <paramref name="apiKeyFile"/>.</summary>
    public static string PathBeside(string apiKeyFile) => Path.ChangeExtension(apiKeyFile, ".listing-key");

    /// <summary>Reads the key beside <paramref name="apiKeyFile"/>, creating it first if absent; a key for this process alone where the folder cannot hold it.</summary>
    /// <exception cref="InvalidDataException">The file exists but does not hold a key (it was edited or truncated).</exception>
    public static byte[] ReadOrCreate(string apiKeyFile, ILogger logger)
    {
        var path = PathBeside(apiKeyFile);
        try
        {
            if (!File.Exists(path))
            {
                Create(path);
            }

            var key = File.ReadAllBytes(path);
            if (key.Length != ListingTokenSealer.KeyBytes)
            {
                throw new InvalidDataException($"The listing token key file '{path}' holds {key.Length} bytes, not {ListingTokenSealer.KeyBytes}. Delete it: the server creates a new one at its next start (listings in progress start again).");
            }

            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CloudLog.ListingKeyPerProcess(logger, path, e);
            return RandomNumberGenerator.GetBytes(ListingTokenSealer.KeyBytes);
        }
    }

    /// <summary>Writes a new key to a private temporary file and moves it into place unless another start got there first.</summary>
    private static void Create(string path)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(RandomNumberGenerator.GetBytes(ListingTokenSealer.KeyBytes));
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another server beside the same key file created it at the same time: use theirs.
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
