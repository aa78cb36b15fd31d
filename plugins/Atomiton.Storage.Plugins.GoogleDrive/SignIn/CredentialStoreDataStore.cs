using Atomiton.Storage.Providers;
using Google.Apis.Json;
using Google.Apis.Util.Store;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Google.Apis.Auth's token store (<see cref="IDataStore"/>) kept in the stage's
/// <see cref="IStorageCredentialStore"/> (sealed at rest by the host) instead of its plaintext
/// <c>FileDataStore</c>. Each write is a compare-and-swap on the version last read: when another
/// process refreshed first, the write gets Conflict, and this store re-reads and keeps the winner's
/// token set (Google does not rotate refresh tokens, so both access tokens stay valid).
/// </summary>
internal sealed class CredentialStoreDataStore(IStorageCredentialStore store, IStorageLogger logger) : IDataStore
{
    /// <summary>The credential's name in the stage's store.</summary>
    public const string CredentialName = "google-oauth";

    private readonly object _gate = new();
    private string? _version;

    /// <summary>How many writes lost the compare-and-swap to another writer (tests read it).</summary>
    public int LostRaces { get; private set; }

    public async Task StoreAsync<T>(string key, T value)
    {
        string json = NewtonsoftJsonSerializer.Instance.Serialize(value);
        string expected;
        lock (_gate)
        {
            expected = _version ?? IStorageCredentialStore.AnyVersion;
        }

        try
        {
            var written = await store.WriteAsync(CredentialName, json, expected);
            lock (_gate)
            {
                _version = written.Version;
            }
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
        {
            // Another process wrote first: its token set is the one kept; ours stays usable in memory.
            var current = await store.ReadAsync(CredentialName);
            lock (_gate)
            {
                _version = current?.Version;
                LostRaces++;
            }

            logger.Log(StorageLogLevel.Debug, "gdrive: another process stored a refreshed Google token first; keeping its token set.");
        }
    }

    public async Task<T> GetAsync<T>(string key)
    {
        var credential = await store.ReadAsync(CredentialName);
        lock (_gate)
        {
            _version = credential?.Version;
        }

        return credential is null ? default! : NewtonsoftJsonSerializer.Instance.Deserialize<T>(credential.Value);
    }

    public async Task DeleteAsync<T>(string key)
    {
        await store.DeleteAsync(CredentialName);
        lock (_gate)
        {
            _version = null;
        }
    }

    public Task ClearAsync() => DeleteAsync<object>(CredentialName);
}
