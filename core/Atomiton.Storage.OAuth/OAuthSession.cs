using Atomiton.Storage.Providers;

namespace Atomiton.Storage.OAuth;

/// <summary>
/// One stage's signed-in session: its tokens live in the stage's credential store under
/// <see cref="CredentialName"/>; <see cref="GetAccessTokenAsync"/> refreshes before expiry (and
/// after a 401, through <see cref="InvalidateAsync"/>), writing a rotated refresh token back by
/// compare-and-swap. When another process refreshed first, the write conflicts and this session
/// re-reads and uses that process's tokens, so a rotated token is never lost. A refresh token the
/// authority refuses gives <see cref="StorageErrorCode.AuthorizationRequired"/> naming the command to run.
/// </summary>
public sealed class OAuthSession : IDisposable
{
    /// <summary>The name the tokens are kept under in the stage's credential store.</summary>
    public const string CredentialName = "oauth";

    // How many times to re-read (a quarter second apart) before a refused refresh token means the sign-in is gone.
    private const int RotationWaits = 20;

    private readonly OAuthClient _client;
    private readonly StorageProviderContext _context;
    private readonly string _provider;
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>Creates a session for the stage of <paramref name="context"/>.</summary>
    /// <param name="client">The protocol client.</param>
    /// <param name="context">The stage's context: its credential store, prompt and clock.</param>
    /// <param name="provider">The provider's name, for errors.</param>
    public OAuthSession(OAuthClient client, StorageProviderContext context, string provider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(context);
        _client = client;
        _context = context;
        _provider = provider;
    }

    private IStorageCredentialStore Store => _context.Credentials
        ?? throw _context.AuthorizationRequired("this host keeps no credentials for it", _provider);

    /// <summary>Signs in by <paramref name="flow"/> through the context's prompt and stores the tokens (replacing any).</summary>
    /// <exception cref="StorageException">AuthenticationFailed when the sign-in did not complete; InvalidConfiguration when the host offers no prompt.</exception>
    public async ValueTask<OAuthTokens> SignInAsync(OAuthFlow flow, CancellationToken cancellationToken = default)
    {
        var prompt = _context.AuthorizationPrompt
            ?? throw new StorageException(StorageErrorCode.InvalidConfiguration, $"Stage '{_context.StageName}' of pipeline '{_context.PipelineName}' can only sign in through a host that prompts the user: run `{StorageException.SignInCommand(_context.PipelineName, _context.StageName)}`.");
        var tokens = flow switch
        {
            OAuthFlow.Browser => await _client.SignInWithBrowserAsync(prompt, cancellationToken),
            OAuthFlow.DeviceCode => await _client.SignInWithDeviceCodeAsync(prompt, cancellationToken),
            OAuthFlow.PastedCode => await _client.SignInWithPastedCodeAsync(prompt, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(flow), flow, "Unknown sign-in flow."),
        };
        await Store.WriteAsync(CredentialName, tokens.ToJson(), IStorageCredentialStore.AnyVersion, cancellationToken);
        return tokens;
    }

    /// <summary>The stored tokens without refreshing them (for a status view); null when not signed in.</summary>
    public async ValueTask<OAuthTokens?> PeekAsync(CancellationToken cancellationToken = default) =>
        await Store.ReadAsync(CredentialName, cancellationToken) is { } stored ? OAuthTokens.Parse(stored.Value) : null;

    /// <summary>A valid access token, refreshed first when it expires within <see cref="OAuthEndpoints.RefreshBeforeExpiry"/>.</summary>
    /// <exception cref="StorageException">AuthorizationRequired when never signed in or the refresh token was refused.</exception>
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) => AccessTokenAsync(rejected: null, cancellationToken);

    /// <summary>After a 401 with <paramref name="rejectedAccessToken"/>: refreshes (unless another caller already did) and returns the new access token.</summary>
    public ValueTask<string> InvalidateAsync(string rejectedAccessToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rejectedAccessToken);
        return AccessTokenAsync(rejectedAccessToken, cancellationToken);
    }

    /// <summary>Revokes the refresh token (and the access token) at the authority and forgets them.</summary>
    /// <returns>False when the stage was not signed in.</returns>
    public async ValueTask<bool> SignOutAsync(CancellationToken cancellationToken = default)
    {
        var stored = await Store.ReadAsync(CredentialName, cancellationToken);
        if (stored is null)
        {
            return false;
        }

        var tokens = OAuthTokens.Parse(stored.Value);
        if (tokens.RefreshToken is not null)
        {
            await _client.RevokeAsync(tokens.RefreshToken, cancellationToken);
        }

        await _client.RevokeAsync(tokens.AccessToken, cancellationToken);
        return await Store.DeleteAsync(CredentialName, IStorageCredentialStore.AnyVersion, cancellationToken);
    }

    private async ValueTask<string> AccessTokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        var (stored, tokens) = await ReadAsync(cancellationToken);
        if (IsUsable(tokens, rejected))
        {
            return tokens.AccessToken;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                (stored, tokens) = await ReadAsync(cancellationToken);
                if (IsUsable(tokens, rejected))
                {
                    return tokens.AccessToken; // another caller or process refreshed meanwhile
                }

                if (tokens.RefreshToken is null)
                {
                    throw _context.AuthorizationRequired("the access token expired and the authority gave no refresh token", _provider);
                }

                OAuthTokens refreshed;
                try
                {
                    refreshed = await _client.RefreshAsync(tokens.RefreshToken, cancellationToken);
                }
                catch (OAuthGrantException e)
                {
                    // The refresh token may have been rotated by a process that has not written yet; only
                    // when the store still holds the refused token is the sign-in really gone.
                    if (await RotatedElsewhereAsync(stored.Version, cancellationToken))
                    {
                        continue;
                    }

                    throw _context.AuthorizationRequired(e.Message, _provider);
                }

                try
                {
                    await Store.WriteAsync(CredentialName, refreshed.ToJson(), stored.Version, cancellationToken);
                    return refreshed.AccessToken;
                }
                catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
                {
                    // Another process refreshed first and stored its rotated tokens: use those.
                    _context.Logger.Log(StorageLogLevel.Debug, $"Stage '{_context.StageName}': another process refreshed the sign-in first; using its tokens.");
                    rejected = null;
                }
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// Whether the stored tokens changed from <paramref name="version"/> within a few seconds: a process
    /// that won the refresh race writes its rotated tokens just after the authority answered it.
    /// </summary>
    private async ValueTask<bool> RotatedElsewhereAsync(string version, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < RotationWaits; attempt++)
        {
            if ((await ReadAsync(cancellationToken)).Stored.Version != version)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), _context.TimeProvider, cancellationToken);
        }

        return (await ReadAsync(cancellationToken)).Stored.Version != version;
    }

    /// <summary>Releases the in-process refresh gate.</summary>
    public void Dispose() => _refreshing.Dispose();

    private bool IsUsable(OAuthTokens tokens, string? rejected) =>
        tokens.AccessToken != rejected && tokens.ExpiresAt - _client.Endpoints.RefreshBeforeExpiry > _context.TimeProvider.GetUtcNow();

    private async ValueTask<(StorageCredential Stored, OAuthTokens Tokens)> ReadAsync(CancellationToken cancellationToken)
    {
        var stored = await Store.ReadAsync(CredentialName, cancellationToken)
            ?? throw _context.AuthorizationRequired("it was never signed in, or was signed out", _provider);
        return (stored, OAuthTokens.Parse(stored.Value));
    }
}
