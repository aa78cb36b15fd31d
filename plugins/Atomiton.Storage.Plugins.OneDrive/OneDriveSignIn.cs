using Atomiton.Storage.Providers;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensibility;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// One stage's Microsoft sign-in through MSAL (Microsoft.Identity.Client): a public client application
/// for the configured authority (<c>{authorityHost}{tenant}/</c>), its token cache kept in the stage's
/// credential store (<see cref="OneDriveTokenCache"/>). Sign-in by device code or in a browser (PKCE with
/// a loopback redirect), both through the host's prompt; access tokens from MSAL's silent acquisition,
/// which refreshes ahead of expiry, and once more after a 401. A refused refresh token is
/// AuthorizationRequired naming the sign-in command, unless another process rotated it meanwhile, in
/// which case its tokens are used.
/// </summary>
/// <remarks>
/// For a test authority (<see cref="OneDriveOptions.AuthorityCertificateThumbprint"/> set: the emulator),
/// MSAL's HTTP client trusts only that certificate, and instance discovery and authority validation are
/// off for this application only. Microsoft publishes no token revocation endpoint, so signing out
/// removes the account from the cache and forgets the stored cache; consent is withdrawn at the account's
/// page (docs/credentials.md).
/// </remarks>
internal sealed class OneDriveSignIn : IOneDriveTokenSource, IDisposable
{
    // As MSAL's own margin: a token expiring sooner than this is refreshed before use.
    private static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromMinutes(5);

    // How often to look for another process's rotated tokens (a quarter second apart) before a refused refresh token means the sign-in is gone.
    private const int RotationWaits = 20;
    private const int MaxAttempts = 5;

    private readonly OneDriveOptions _options;
    private readonly StorageProviderContext _context;
    private readonly OneDriveTokenCache _cache;
    private readonly PinnedCertificateHttpClientFactory? _pinned;
    private readonly IPublicClientApplication _application;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuthenticationResult? _current;

    public OneDriveSignIn(OneDriveOptions options, StorageProviderContext context)
    {
        _options = options;
        _context = context;
        Authority = new Uri(new Uri(options.AuthorityHost.TrimEnd('/') + "/"), Uri.EscapeDataString(options.Tenant) + "/");
        var store = context.Credentials ?? throw context.AuthorizationRequired("this host keeps no credentials for it", OneDriveProvider.TypeName);
        _cache = new OneDriveTokenCache(store, context.Logger, context.StageName);
        _pinned = string.IsNullOrEmpty(options.AuthorityCertificateThumbprint) ? null : new PinnedCertificateHttpClientFactory(options.AuthorityCertificateThumbprint);
        _application = CreateApplication(redirect: null);
    }

    /// <summary>The MSAL authority, such as <c>https://login.microsoftonline.com/consumers/</c>.</summary>
    public Uri Authority { get; }

    /// <summary>The scopes asked for; MSAL adds <c>openid profile offline_access</c> (offline access gives the refresh token).</summary>
    private IReadOnlyList<string> Scopes => _options.ResourceScopes;

    /// <summary>Signs in by <paramref name="flow"/> through the context's prompt and stores MSAL's cache (replacing any earlier sign-in).</summary>
    /// <exception cref="StorageException">AuthenticationFailed when the sign-in did not complete; InvalidConfiguration when the host offers no prompt.</exception>
    public async ValueTask<StorageSignInStatus> SignInAsync(StorageSignInFlow flow, CancellationToken cancellationToken)
    {
        var prompt = _context.AuthorizationPrompt
            ?? throw new StorageException(StorageErrorCode.InvalidConfiguration, $"Stage '{_context.StageName}' of pipeline '{_context.PipelineName}' can only sign in through a host that prompts the user: run `{StorageException.SignInCommand(_context.PipelineName, _context.StageName)}`.");
        _cache.StartFresh();
        try
        {
            var result = flow == StorageSignInFlow.DeviceCode
                ? await _application.AcquireTokenWithDeviceCode(Scopes, code => ShowDeviceCodeAsync(prompt, code, cancellationToken)).ExecuteAsync(cancellationToken)
                : await SignInWithBrowserAsync(prompt, cancellationToken);
            _current = result;
            return StatusOf(result, canRefresh: _cache.HasRefreshToken);
        }
        catch (MsalException e)
        {
            throw new StorageException(StorageErrorCode.AuthenticationFailed, $"The Microsoft sign-in did not complete: {Describe(e)}.", e) { Provider = OneDriveProvider.TypeName, Operation = "sign-in" };
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
    }

    /// <summary>
    /// Shows the device code through the host's prompt. A failure of the prompt itself is reported as such: left to
    /// propagate, an <see cref="HttpRequestException"/> thrown by the prompt read as "the authority could not be reached".
    /// </summary>
    private async Task ShowDeviceCodeAsync(IStorageAuthorizationPrompt prompt, DeviceCodeResult code, CancellationToken cancellationToken)
    {
        try
        {
            await prompt.ShowDeviceCodeAsync(new Uri(code.VerificationUrl), code.UserCode, code.ExpiresOn, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            throw new StorageException(StorageErrorCode.AuthenticationFailed, $"Stage '{_context.StageName}' of pipeline '{_context.PipelineName}': the host's prompt failed while showing the device code ({e.GetType().Name}: {e.Message}); sign in again with `{StorageException.SignInCommand(_context.PipelineName, _context.StageName)} --device`.", e)
            { Provider = OneDriveProvider.TypeName, Operation = "sign-in" };
        }
    }

    /// <summary>Whether the stage is signed in, as whom and until when (refreshing the access token if it is due; never prompting).</summary>
    public async ValueTask<StorageSignInStatus> StatusAsync(CancellationToken cancellationToken)
    {
        if (await _cache.StoredVersionAsync(cancellationToken) is null)
        {
            return new StorageSignInStatus { SignedIn = false, Authority = Authority };
        }

        try
        {
            return StatusOf(await AccessAsync(rejected: null, cancellationToken), canRefresh: _cache.HasRefreshToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.AuthorizationRequired)
        {
            return new StorageSignInStatus { SignedIn = false, Authority = Authority, Detail = e.Message };
        }
    }

    /// <summary>Removes the signed-in accounts from MSAL's cache and forgets the stored cache. Microsoft offers no revocation endpoint to call.</summary>
    /// <returns>False when the stage was not signed in.</returns>
    public async ValueTask<bool> SignOutAsync(CancellationToken cancellationToken)
    {
        if (await _cache.StoredVersionAsync(cancellationToken) is null)
        {
            return false;
        }

        foreach (var account in await _application.GetAccountsAsync())
        {
            await _application.RemoveAsync(account);
        }

        _current = null;
        await _context.Credentials!.DeleteAsync(OneDriveTokenCache.CredentialName, IStorageCredentialStore.AnyVersion, cancellationToken);
        return true;
    }

    /// <summary>Whether a sign-in is stored (without loading it).</summary>
    public async ValueTask<bool> IsStoredAsync(CancellationToken cancellationToken) => await _cache.StoredVersionAsync(cancellationToken) is not null;

    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        _current is { } current && IsFresh(current) ? current.AccessToken : (await AccessAsync(rejected: null, cancellationToken)).AccessToken;

    public async ValueTask<string> RenewAsync(string rejected, CancellationToken cancellationToken) =>
        (await AccessAsync(rejected, cancellationToken)).AccessToken;

    public void Dispose()
    {
        _gate.Dispose();
        _pinned?.Dispose();
    }

    private async ValueTask<AuthenticationResult> AccessAsync(string? rejected, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && current.AccessToken != rejected && IsFresh(current))
            {
                return current; // another request of this engine renewed it meanwhile
            }

            var result = await SilentAsync(forceRefresh: false, cancellationToken);
            if (rejected is not null && result.AccessToken == rejected)
            {
                // Graph refused a token MSAL still holds valid (revoked, or expired early): refresh now.
                result = await SilentAsync(forceRefresh: true, cancellationToken);
            }

            _current = result;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<AuthenticationResult> SilentAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var account = (await _application.GetAccountsAsync()).FirstOrDefault()
                ?? throw _context.AuthorizationRequired("it was never signed in to OneDrive, or was signed out", OneDriveProvider.TypeName);
            _cache.ResetConflict();
            AuthenticationResult result;
            try
            {
                result = await _application.AcquireTokenSilent(Scopes, account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken);
            }
            catch (MsalUiRequiredException e)
            {
                // The refresh token may have been rotated by a process that has not stored its tokens yet;
                // only when the store still holds the refused one is the sign-in really gone.
                if (attempt < MaxAttempts && await RotatedElsewhereAsync(_cache.Version, cancellationToken))
                {
                    forceRefresh = false;
                    continue;
                }

                throw _context.AuthorizationRequired($"Microsoft refused the stored sign-in ({Describe(e)})", OneDriveProvider.TypeName);
            }
            catch (MsalServiceException e)
            {
                throw new StorageException(StorageErrorCode.AuthenticationFailed, $"The Microsoft identity platform did not renew the sign-in of stage '{_context.StageName}': {Describe(e)}.", e)
                { Provider = OneDriveProvider.TypeName, Operation = "sign-in", IsTransient = e.IsRetryable };
            }
            catch (HttpRequestException e)
            {
                throw Unreachable(e);
            }

            if (!_cache.Conflicted || attempt >= MaxAttempts)
            {
                return result;
            }

            // Another process stored its refresh first: load and use what it stored.
            forceRefresh = false;
        }
    }

    /// <summary>Whether the stored cache changed from <paramref name="version"/> within a few seconds: a process that won a refresh race stores its rotated tokens just after the authority answered it.</summary>
    private async ValueTask<bool> RotatedElsewhereAsync(string? version, CancellationToken cancellationToken)
    {
        for (int wait = 0; wait < RotationWaits; wait++)
        {
            if (await _cache.StoredVersionAsync(cancellationToken) != version)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), _context.TimeProvider, cancellationToken);
        }

        return await _cache.StoredVersionAsync(cancellationToken) != version;
    }

    /// <summary>
    /// The browser flow. MSAL redeems the code with the redirect address it put in the authorization
    /// request, and the host only knows its loopback address once it listens; so the application for
    /// this sign-in is made inside the host's callback, with that address, and the callback returns the
    /// authorization address MSAL builds (with its PKCE challenge and state).
    /// </summary>
    private async Task<AuthenticationResult> SignInWithBrowserAsync(IStorageAuthorizationPrompt prompt, CancellationToken cancellationToken)
    {
        var webUi = new PromptWebUi();
        Task<AuthenticationResult>? acquiring = null;
        Uri received;
        try
        {
            received = await prompt.AuthorizeInBrowserAsync(redirect =>
            {
                acquiring = CreateApplication(redirect).AcquireTokenInteractive(Scopes)
                    .WithCustomWebUi(webUi)
                    .WithPrompt(Prompt.SelectAccount)
                    .ExecuteAsync(cancellationToken);

                // The prompt's contract asks for the address synchronously; MSAL has it ready before any network call.
                if (Task.WhenAny(webUi.AuthorizationUri, acquiring).GetAwaiter().GetResult() != webUi.AuthorizationUri)
                {
                    acquiring.GetAwaiter().GetResult(); // failed before building the address: its error
                }

                return webUi.AuthorizationUri.GetAwaiter().GetResult();
            }, cancellationToken);
        }
        catch (Exception e)
        {
            webUi.Abandon(e);
            if (acquiring is not null)
            {
                await acquiring.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed; the prompt's error is the one to report
            }

            throw;
        }

        webUi.Redirected(received);
        return await acquiring!;
    }

    private IPublicClientApplication CreateApplication(Uri? redirect)
    {
        var builder = PublicClientApplicationBuilder.Create(_options.ClientId)
            .WithRedirectUri((redirect ?? new Uri("http://localhost")).ToString())
            .WithClientName("atomiton-storage");
        builder = _pinned is null
            ? builder.WithAuthority(Authority.ToString())
            : builder.WithAuthority(Authority.ToString(), validateAuthority: false).WithInstanceDiscovery(false).WithHttpClientFactory(_pinned);
        var application = builder.Build();
        _cache.Bind(application.UserTokenCache);
        return application;
    }

    private bool IsFresh(AuthenticationResult result) => result.ExpiresOn - RefreshBeforeExpiry > _context.TimeProvider.GetUtcNow();

    private StorageSignInStatus StatusOf(AuthenticationResult result, bool canRefresh) => new()
    {
        SignedIn = true,
        Account = result.Account?.Username,
        AccessTokenExpiresAt = result.ExpiresOn,
        CanRefresh = canRefresh,
        Scopes = [.. result.Scopes],
        Authority = Authority,
    };

    /// <summary>The authority could not be reached, or (a test authority) presented another certificate than the pinned one.</summary>
    private StorageException Unreachable(HttpRequestException e) => e.InnerException is System.Security.Authentication.AuthenticationException && _pinned is not null
        ? new StorageException(StorageErrorCode.AuthenticationFailed, $"The authority {Authority} did not present the certificate pinned by authorityCertificateThumbprint, so nothing was sent to it; give the thumbprint `atomiton-storage emulate onedrive` printed for this run.", e)
        { Provider = OneDriveProvider.TypeName, Operation = "sign-in" }
        : new StorageException(StorageErrorCode.NetworkError, $"The Microsoft identity platform at {Authority} could not be reached: {e.Message}", e)
        { Provider = OneDriveProvider.TypeName, Operation = "sign-in" };

    /// <summary>MSAL's error code and the authority's description; never a token (MSAL puts none in its messages).</summary>
    private static string Describe(MsalException e)
    {
        string message = e.Message.Split('\n', 2)[0].Trim().TrimEnd('.');
        return message.Length == 0 || message.Contains(e.ErrorCode, StringComparison.Ordinal) ? e.ErrorCode : $"{e.ErrorCode}: {message}";
    }
}
