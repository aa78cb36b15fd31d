using System.Text;
using System.Text.Json;
using Atomiton.Storage.Providers;
using Microsoft.Identity.Client;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// Keeps MSAL's user token cache of one stage in the stage's credential store, under
/// <see cref="CredentialName"/>, in MSAL's own serialised form (the store encrypts it at rest).
/// Before each cache access the store's current entry is loaded (so a token another process
/// refreshed is seen); after an access that changed the cache, it is written back by compare-and-swap
/// against the version that was loaded. A write that loses the race (another process stored its refresh
/// first) changes nothing and is reported through <see cref="Conflicted"/>, so the caller re-reads and
/// uses the winner's tokens: a rotated refresh token is never overwritten by a stale one.
/// </summary>
/// <remarks>MSAL serialises accesses to one cache; the caller (<see cref="OneDriveSignIn"/>) serialises its requests, so the fields need no lock.</remarks>
internal sealed class OneDriveTokenCache(IStorageCredentialStore store, IStorageLogger logger, string stage)
{
    /// <summary>The credential's name in the stage's store.</summary>
    public const string CredentialName = "msal-token-cache";

    private bool _fresh;

    /// <summary>The version of the entry as last loaded or written; null when nothing was stored.</summary>
    public string? Version { get; private set; }

    /// <summary>Whether the last write since <see cref="ResetConflict"/> lost to another writer (nothing was written).</summary>
    public bool Conflicted { get; private set; }

    /// <summary>Whether the last load found a refresh token.</summary>
    public bool HasRefreshToken { get; private set; }

    /// <summary>Binds <paramref name="cache"/> (an application's user token cache) to the store.</summary>
    public void Bind(ITokenCache cache)
    {
        cache.SetBeforeAccessAsync(BeforeAccessAsync);
        cache.SetAfterAccessAsync(AfterAccessAsync);
    }

    /// <summary>For a new sign-in: start from an empty cache and replace whatever is stored when the tokens arrive.</summary>
    public void StartFresh() => _fresh = true;

    public void ResetConflict() => Conflicted = false;

    /// <summary>Reads the stored entry's version without loading it into a cache.</summary>
    public async ValueTask<string?> StoredVersionAsync(CancellationToken cancellationToken) =>
        (await store.ReadAsync(CredentialName, cancellationToken))?.Version;

    private async Task BeforeAccessAsync(TokenCacheNotificationArgs args)
    {
        if (_fresh)
        {
            args.TokenCache.DeserializeMsalV3(null, shouldClearExistingCache: true);
            return;
        }

        var stored = await store.ReadAsync(CredentialName, args.CancellationToken);
        Version = stored?.Version;
        byte[]? serialised = stored is null ? null : Encoding.UTF8.GetBytes(stored.Value);
        HasRefreshToken = serialised is not null && CountRefreshTokens(serialised) > 0;
        args.TokenCache.DeserializeMsalV3(serialised, shouldClearExistingCache: true);
    }

    private async Task AfterAccessAsync(TokenCacheNotificationArgs args)
    {
        if (!args.HasStateChanged)
        {
            return;
        }

        byte[] serialised = args.TokenCache.SerializeMsalV3();
        try
        {
            var written = await store.WriteAsync(CredentialName, Encoding.UTF8.GetString(serialised), _fresh ? IStorageCredentialStore.AnyVersion : Version, args.CancellationToken);
            Version = written.Version;
            HasRefreshToken = CountRefreshTokens(serialised) > 0;
            _fresh = false;
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
        {
            Conflicted = true;
            logger.Log(StorageLogLevel.Debug, $"Stage '{stage}': another process stored a refreshed Microsoft sign-in first; using its tokens.");
        }
    }

    /// <summary>How many refresh tokens a serialised cache holds (MSAL's cache schema keeps them under <c>RefreshToken</c>).</summary>
    private static int CountRefreshTokens(byte[] serialised)
    {
        try
        {
            using var document = JsonDocument.Parse(serialised);
            return document.RootElement.TryGetProperty("RefreshToken", out var tokens) && tokens.ValueKind == JsonValueKind.Object
                ? tokens.EnumerateObject().Count()
                : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}
