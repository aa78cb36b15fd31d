using System.Globalization;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Testing;

/// <summary>
/// A credential store in memory for tests of providers that sign in: compare-and-swap writes and deletes as the
/// host's stores behave (a stale <c>expectedVersion</c> fails with <see cref="StorageErrorCode.Conflict"/>), and a
/// view of what is stored, so a test can check that a token went into the store and nowhere else. Thread-safe.
/// </summary>
public sealed class MemoryCredentialStore : IStorageCredentialStore
{
    private readonly Dictionary<string, StorageCredential> _values = new(StringComparer.Ordinal);
    private int _version;
    private int _writes;

    /// <summary>How many writes succeeded (a refresh that rotates a token writes once).</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <inheritdoc />
    public ValueTask<StorageCredential?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_values)
        {
            return ValueTask.FromResult(_values.GetValueOrDefault(name));
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageCredential> WriteAsync(string name, string value, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        lock (_values)
        {
            if (!Expected(_values.GetValueOrDefault(name), expectedVersion))
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Credential '{name}' was written by another writer since version {expectedVersion ?? "(none)"} was read: read it again.");
            }

            var written = new StorageCredential(value, (++_version).ToString(CultureInfo.InvariantCulture));
            _values[name] = written;
            _writes++;
            return ValueTask.FromResult(written);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string name, string expectedVersion = IStorageCredentialStore.AnyVersion, CancellationToken cancellationToken = default)
    {
        lock (_values)
        {
            var current = _values.GetValueOrDefault(name);
            if (current is not null && !Expected(current, expectedVersion))
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Credential '{name}' was written by another writer since version {expectedVersion} was read: read it again.");
            }

            return ValueTask.FromResult(_values.Remove(name));
        }
    }

    /// <summary>The value stored under <paramref name="name"/>, or null.</summary>
    public string? Peek(string name)
    {
        lock (_values)
        {
            return _values.GetValueOrDefault(name)?.Value;
        }
    }

    /// <summary>Every stored value.</summary>
    public IReadOnlyList<string> Values()
    {
        lock (_values)
        {
            return [.. _values.Values.Select(v => v.Value)];
        }
    }

    private static bool Expected(StorageCredential? current, string? expectedVersion) =>
        expectedVersion == IStorageCredentialStore.AnyVersion || (expectedVersion is null ? current is null : current?.Version == expectedVersion);
}
