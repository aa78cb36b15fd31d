using System.Globalization;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Sync.Tests.Providers;

/// <summary>A compare-and-swap credential store in memory, as the host's stores behave (Conflict on a stale version).</summary>
internal sealed class MemoryCredentials : IStorageCredentialStore
{
    private readonly Dictionary<string, StorageCredential> _values = new(StringComparer.Ordinal);
    private int _version;

    public int Writes { get; private set; }

    public ValueTask<StorageCredential?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_values)
        {
            return ValueTask.FromResult(_values.GetValueOrDefault(name));
        }
    }

    public ValueTask<StorageCredential> WriteAsync(string name, string value, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        lock (_values)
        {
            var current = _values.GetValueOrDefault(name);
            bool ok = expectedVersion == IStorageCredentialStore.AnyVersion || (expectedVersion is null ? current is null : current?.Version == expectedVersion);
            if (!ok)
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Credential '{name}' was written by another writer.");
            }

            var written = new StorageCredential(value, (++_version).ToString(CultureInfo.InvariantCulture));
            _values[name] = written;
            Writes++;
            return ValueTask.FromResult(written);
        }
    }

    public ValueTask<bool> DeleteAsync(string name, string expectedVersion = IStorageCredentialStore.AnyVersion, CancellationToken cancellationToken = default)
    {
        lock (_values)
        {
            return ValueTask.FromResult(_values.Remove(name));
        }
    }
}
