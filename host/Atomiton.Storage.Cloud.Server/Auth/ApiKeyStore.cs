using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>
/// The API keys of a server, kept in a JSON file that holds only SHA-256 hashes. Keys look like
/// <c>atm_&lt;16 hex id&gt;_&lt;43 base64url characters = 256 random bits&gt;</c>; the id finds the
/// entry and the hash is compared in constant time. The server re-reads the file when it changes
/// (its size or write time), so <c>atomiton-storage cloud keys revoke</c> takes effect on a running
/// server. It fails closed: once the file has been read, removing it or making it unreadable or
/// unparsable makes every lookup throw <see cref="ApiKeyStoreUnavailableException"/> — the keys
/// held in memory are dropped, never served from a file that is gone — until a readable file is
/// back. Thread-safe.
/// </summary>
public sealed class ApiKeyStore : State.IApiKeyAuthenticator
{
    private const string KeyPrefix = "atm_";
    private const int IdLength = 16;
    private const int SecretLength = 43;

    private static readonly byte[] DummyHash = SHA256.HashData("atomiton-no-such-key"u8);

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private Dictionary<string, ApiKeyEntry> _entries = new(StringComparer.Ordinal);
    private FileStamp _seen = FileStamp.Missing;
    private bool _everRead;
    private (string Message, Exception? Error)? _unavailable;
    private int _changes;

    /// <summary>Opens (or prepares to create) the key file at <paramref name="path"/>.</summary>
    /// <param name="path">The JSON key file; created with the first key.</param>
    /// <param name="timeProvider">The clock for created/revoked times; null for the system clock.</param>
    /// <exception cref="InvalidDataException">The file exists but is not a valid key file.</exception>
    public ApiKeyStore(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _time = timeProvider ?? TimeProvider.System;
        try
        {
            Reload();
        }
        catch (ApiKeyStoreUnavailableException e)
        {
            // A store that cannot be read at start is a configuration error, not an outage.
            throw new InvalidDataException(e.Message, e.InnerException);
        }
    }

    /// <summary>Checks the file now (as every lookup does) and throws while it is unavailable.</summary>
    /// <exception cref="ApiKeyStoreUnavailableException">The file was removed, or cannot be read or parsed.</exception>
    public void Reload()
    {
        lock (_gate)
        {
            ReloadIfChanged();
        }
    }

    /// <summary>The key file's full path.</summary>
    public string FilePath => _path;

    /// <summary>Creates a key for a tenant and saves its hash. The returned secret is shown once and never stored.</summary>
    /// <param name="tenantPrefix">The key prefix the caller is confined to, ending with <c>/</c> (such as <c>tenants/acme/</c>), or empty for the whole store.</param>
    /// <param name="permissions">What the key may do.</param>
    /// <param name="description">A note saying who uses the key.</param>
    /// <exception cref="ApiKeyStoreUnavailableException">The file was removed, or cannot be read or parsed; nothing is written.</exception>
    /// <exception cref="ArgumentException">The tenant prefix is not a valid key prefix ending with '/'.</exception>
    public CreatedApiKey Create(string tenantPrefix, ApiKeyPermissions permissions, string? description = null)
    {
        var (entry, key) = NewKey(tenantPrefix, permissions, description, _time.GetUtcNow());
        Update(entries => entries[entry.Id] = entry);
        return new CreatedApiKey(entry, key);
    }

    /// <summary>Every key, revoked ones included, by creation time.</summary>
    /// <exception cref="ApiKeyStoreUnavailableException">The file was removed, or cannot be read or parsed.</exception>
    public IReadOnlyList<ApiKeyEntry> List()
    {
        lock (_gate)
        {
            ReloadIfChanged();
            return [.. _entries.Values.OrderBy(e => e.Created).ThenBy(e => e.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Revokes a key: from now on it is refused with 401. Revoking twice is harmless.</summary>
    /// <returns>False when no key has this id.</returns>
    /// <exception cref="ApiKeyStoreUnavailableException">The file was removed, or cannot be read or parsed; nothing is written.</exception>
    public bool Revoke(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        bool found = false;
        Update(entries =>
        {
            if (entries.TryGetValue(id, out var entry))
            {
                found = true;
                if (!entry.IsRevoked)
                {
                    entries[id] = entry with { Revoked = _time.GetUtcNow() };
                }
            }
        });
        return found;
    }

    /// <summary>
    /// Finds the valid (not revoked) entry of a presented key, or null. The hash comparison runs in
    /// constant time and is done even when the id is unknown, so timing reveals nothing.
    /// </summary>
    /// <exception cref="ApiKeyStoreUnavailableException">The file was removed, or cannot be read or parsed: no key is valid until it is back.</exception>
    public ApiKeyEntry? Authenticate(string? presentedKey)
    {
        if (presentedKey is null || !TryParseId(presentedKey, out var id))
        {
            return null;
        }

        ApiKeyEntry? entry;
        lock (_gate)
        {
            ReloadIfChanged();
            _entries.TryGetValue(id, out entry);
        }

        return Verify(presentedKey, entry);
    }

    string State.IApiKeyAuthenticator.Source => _path;

    ValueTask<ApiKeyEntry?> State.IApiKeyAuthenticator.AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Authenticate(presentedKey));

    /// <summary>A new key and the entry holding its hash (shared by the key file and the database).</summary>
    internal static (ApiKeyEntry Entry, string Key) NewKey(string tenantPrefix, ApiKeyPermissions permissions, string? description, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(tenantPrefix);
        ValidateTenantPrefix(tenantPrefix);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var key = KeyPrefix + id + "_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var entry = new ApiKeyEntry
        {
            Id = id,
            TenantPrefix = tenantPrefix,
            Permissions = permissions,
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            Created = created,
            Description = description,
        };
        return (entry, key);
    }

    /// <summary>The id a well-formed key embeds, or null for a malformed one.</summary>
    internal static string? IdOf(string? presentedKey) => presentedKey is not null && TryParseId(presentedKey, out var id) ? id : null;

    /// <summary>
    /// <paramref name="entry"/> when <paramref name="presentedKey"/> hashes to it and it is not revoked,
    /// else null; the comparison runs in constant time, also against a dummy hash when no entry was found.
    /// </summary>
    internal static ApiKeyEntry? Verify(string presentedKey, ApiKeyEntry? entry)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        var storedHash = entry is not null && TryFromHex(entry.Hash, out var stored) ? stored : DummyHash;
        bool matches = CryptographicOperations.FixedTimeEquals(presentedHash, storedHash);
        return matches && entry is { IsRevoked: false } ? entry : null;
    }

    /// <summary>Throws when <paramref name="tenantPrefix"/> cannot be a tenant prefix.</summary>
    /// <exception cref="ArgumentException">It does not end with '/' or breaks the key grammar.</exception>
    public static void ValidateTenantPrefix(string tenantPrefix)
    {
        ArgumentNullException.ThrowIfNull(tenantPrefix);
        if (tenantPrefix.Length == 0)
        {
            return;
        }

        string? problem = !tenantPrefix.EndsWith('/') ? "it must end with '/'"
            : StorageKey.IsValid(tenantPrefix[..^1], out var keyProblem) ? null : keyProblem;
        if (problem is not null)
        {
            throw new ArgumentException($"Tenant prefix '{tenantPrefix}' is invalid: {problem}. Use a key prefix such as 'tenants/acme/', or '' for the whole store.", nameof(tenantPrefix));
        }
    }

    private static bool TryParseId(string key, out string id)
    {
        id = string.Empty;
        if (key.Length != KeyPrefix.Length + IdLength + 1 + SecretLength
            || !key.StartsWith(KeyPrefix, StringComparison.Ordinal)
            || key[KeyPrefix.Length + IdLength] != '_')
        {
            return false;
        }

        id = key.Substring(KeyPrefix.Length, IdLength);
        return id.All(char.IsAsciiHexDigitLower);
    }

    private static bool TryFromHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return bytes.Length == DummyHash.Length;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void Update(Action<Dictionary<string, ApiKeyEntry>> change)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            var entries = new Dictionary<string, ApiKeyEntry>(_entries, StringComparer.Ordinal);
            change(entries);
            Save(entries);
            _entries = entries;
            _seen = FileStamp.Of(_path);
            _everRead = true;
        }
    }

    /// <summary>Re-reads the file when its stamp changed; throws while it is unavailable. Call under the lock.</summary>
    private void ReloadIfChanged()
    {
        var stamp = FileStamp.Of(_path);
        if (stamp != _seen)
        {
            _seen = stamp;
            if (!stamp.Exists)
            {
                // Before the first key the file does not exist yet; after, a missing file is a removed one.
                SetUnavailable(_everRead ? $"The API key file '{_path}' was removed" : null, null);
            }
            else if (TryRead(out var entries, out var problem, out var error))
            {
                _entries = entries;
                _everRead = true;
                SetUnavailable(null, null);
            }
            else
            {
                SetUnavailable($"The API key file '{_path}' cannot be read: {problem}", error);
            }
        }

        if (_unavailable is { } unavailable)
        {
            throw new ApiKeyStoreUnavailableException(unavailable.Message, _changes, unavailable.Error);
        }
    }

    private void SetUnavailable(string? reason, Exception? error)
    {
        if (reason is null)
        {
            _unavailable = null;
            return;
        }

        _entries = new Dictionary<string, ApiKeyEntry>(StringComparer.Ordinal);
        _unavailable = (reason + ". No key is accepted until the file is back: restore it from a backup or create keys again with 'atomiton-storage cloud keys create'.", error);
        _changes++;
    }

    private bool TryRead(out Dictionary<string, ApiKeyEntry> entries, out string? problem, out Exception? error)
    {
        entries = new Dictionary<string, ApiKeyEntry>(StringComparer.Ordinal);
        error = null;
        try
        {
            using var stream = File.OpenRead(_path);
            var file = JsonSerializer.Deserialize<ApiKeyFile>(stream, ApiKeyFile.JsonOptions);
            if (file?.Keys is not { } keys)
            {
                problem = "it holds no key list ({ \"keys\": [ … ] })";
                return false;
            }

            problem = null;
            foreach (var entry in keys)
            {
                if (entry?.Id is null || entry.Hash is null || entry.TenantPrefix is null)
                {
                    problem = "an entry lacks its id, hash or tenant prefix";
                }
                else if (!entries.TryAdd(entry.Id, entry))
                {
                    problem = $"key id {entry.Id} appears twice";
                }
            }
        }
        catch (JsonException e)
        {
            (problem, error) = ($"it is not valid JSON ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (problem, error) = (e.Message, e);
        }

        return problem is null;
    }

    private void Save(Dictionary<string, ApiKeyEntry> entries)
    {
        var directory = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        var file = new ApiKeyFile { Keys = [.. entries.Values.OrderBy(e => e.Created).ThenBy(e => e.Id, StringComparer.Ordinal)] };
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(file, ApiKeyFile.JsonOptions));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, _path, overwrite: true);
    }

    /// <summary>What identifies one version of the file: whether it exists, its write time and size.</summary>
    private readonly record struct FileStamp(bool Exists, DateTime WriteTime, long Length)
    {
        public static FileStamp Missing => default;

        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.LastWriteTimeUtc, info.Length) : Missing;
        }
    }
}
