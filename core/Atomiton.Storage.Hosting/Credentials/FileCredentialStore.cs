using System.Security.Cryptography;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Credentials;

/// <summary>
/// One stage's credentials in one file, <c>&lt;folder&gt;/&lt;pipeline&gt;/&lt;stage&gt;.credentials</c>, sealed
/// with AES-256-GCM in the encrypted engine's format under the key of <see cref="CredentialKeyFile"/>.
/// A write holds an exclusive lock file (an <c>flock</c> on Unix, a sharing lock on Windows) while it
/// checks the version and renames a new file into place, so compare-and-swap holds across processes;
/// reads need no lock because the rename is atomic. Files and folders are owner-only.
/// </summary>
internal sealed class FileCredentialStore : IStorageCredentialStore
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(2);

    private readonly string _folder;
    private readonly string _keyFile;
    private readonly string _pipeline;
    private readonly string _stage;
    private readonly string _entry;
    private readonly string _relativePath;
    private readonly Lazy<byte[]> _key;

    public FileCredentialStore(string folder, string keyFile, string pipeline, string stage)
    {
        _folder = Path.GetFullPath(folder);
        _keyFile = keyFile;
        _pipeline = pipeline;
        _stage = stage;
        _entry = $"credentials/{pipeline}/{stage}";
        _relativePath = Path.Combine(CredentialNames.Segment(pipeline), CredentialNames.Segment(stage) + ".credentials");
        _key = new Lazy<byte[]>(() => CredentialKeyFile.LoadOrCreate(_keyFile), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The file, relative to the credential folder (for messages and <c>auth status</c>).</summary>
    public string RelativePath => _relativePath;

    private string FilePath => Path.Combine(_folder, _relativePath);

    public ValueTask<StorageCredential?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        CredentialNames.Check(name);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = Load();
        return ValueTask.FromResult(entries.TryGetValue(name, out var entry) ? new StorageCredential(entry.Value, entry.Version) : null);
    }

    public async ValueTask<StorageCredential> WriteAsync(string name, string value, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        CredentialNames.Check(name);
        ArgumentNullException.ThrowIfNull(value);
        using var held = await LockAsync(cancellationToken);
        var entries = Load();
        CheckVersion(name, entries, expectedVersion);
        string version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        entries[name] = (value, version);
        Save(entries);
        return new StorageCredential(value, version);
    }

    public async ValueTask<bool> DeleteAsync(string name, string expectedVersion = IStorageCredentialStore.AnyVersion, CancellationToken cancellationToken = default)
    {
        CredentialNames.Check(name);
        ArgumentNullException.ThrowIfNull(expectedVersion);
        using var held = await LockAsync(cancellationToken);
        var entries = Load();
        if (!entries.ContainsKey(name))
        {
            return false;
        }

        CheckVersion(name, entries, expectedVersion);
        entries.Remove(name);
        if (entries.Count == 0)
        {
            File.Delete(FilePath);
        }
        else
        {
            Save(entries);
        }

        return true;
    }

    private void CheckVersion(string name, Dictionary<string, (string Value, string Version)> entries, string? expectedVersion)
    {
        bool exists = entries.TryGetValue(name, out var current);
        bool matches = expectedVersion switch
        {
            IStorageCredentialStore.AnyVersion => true,
            null => !exists,
            _ => exists && current.Version == expectedVersion,
        };
        if (!matches)
        {
            throw new StorageException(StorageErrorCode.Conflict, exists
                ? $"Credential '{name}' of stage '{_stage}' (pipeline '{_pipeline}') was changed by another writer (now version {current.Version}); nothing was written. Read it again and use what the other writer stored."
                : $"Credential '{name}' of stage '{_stage}' (pipeline '{_pipeline}') is no longer stored (version {expectedVersion} was expected); nothing was written. Read it again, or sign in with `{StorageException.SignInCommand(_pipeline, _stage)}`.")
            { Operation = "credentials" };
        }
    }

    private Dictionary<string, (string Value, string Version)> Load()
    {
        byte[] stored;
        try
        {
            stored = File.ReadAllBytes(FilePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StorageException(StorageErrorCode.AccessDenied, $"The credential file '{_relativePath}' in the credential folder cannot be read by this user; check its owner and permissions.", e) { Operation = "credentials" };
        }

        byte[]? plaintext = CredentialSeal.Open(_key.Value, _entry, stored, out var code, out string? problem);
        var entries = plaintext is null ? null : CredentialEntries.Read(plaintext);
        if (entries is null)
        {
            throw new StorageException(code, $"The credential file '{_relativePath}' in the credential folder was not used: {problem ?? "its content is not a credential list"}. No credential was read from it. Delete it and sign in again with `{StorageException.SignInCommand(_pipeline, _stage)}`.")
            { Operation = "credentials" };
        }

        return entries;
    }

    private void Save(Dictionary<string, (string Value, string Version)> entries)
    {
        byte[] sealedBytes = CredentialSeal.Seal(_key.Value, _entry, CredentialEntries.Write(entries));
        string temporary = FilePath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, OwnerOnlyFile(FileMode.CreateNew, FileAccess.Write)))
            {
                stream.Write(sealedBytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, FilePath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async ValueTask<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        string folder = Path.GetDirectoryName(FilePath)!;
        CreateOwnerOnlyFolder(_folder);
        CreateOwnerOnlyFolder(folder);
        string path = Path.Combine(folder, CredentialNames.Segment(_stage) + ".lock");
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, OwnerOnlyFile(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another writer holds the lock; it holds it only while it checks and renames.
                await Task.Delay(LockPoll, cancellationToken);
            }
            catch (IOException e)
            {
                throw new StorageException(StorageErrorCode.Timeout, $"The credentials of stage '{_stage}' (pipeline '{_pipeline}') stayed locked by another process for {LockTimeout.TotalMinutes:0} minutes; nothing was written. Check for a hung atomiton-storage process.", e) { Operation = "credentials" };
            }
        }
    }

    private static FileStreamOptions OwnerOnlyFile(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static void CreateOwnerOnlyFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public override string ToString() => $"FileCredentialStore({_pipeline}/{_stage})";
}
