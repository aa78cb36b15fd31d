using System.Globalization;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>A credential store in memory, with the compare-and-swap versions the real stores have.</summary>
internal sealed class MemoryCredentialStore : IStorageCredentialStore
{
    private readonly Dictionary<string, StorageCredential> _values = new(StringComparer.Ordinal);
    private int _version;

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
            if (expectedVersion != IStorageCredentialStore.AnyVersion && current?.Version != expectedVersion)
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Credential '{name}' changed.");
            }

            var written = new StorageCredential(value, (++_version).ToString(CultureInfo.InvariantCulture));
            _values[name] = written;
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

    /// <summary>Every stored value (tests check no secret leaks elsewhere).</summary>
    public string? Peek(string name)
    {
        lock (_values)
        {
            return _values.GetValueOrDefault(name)?.Value;
        }
    }
}
