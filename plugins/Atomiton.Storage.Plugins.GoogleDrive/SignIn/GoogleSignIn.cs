using System.Security.Cryptography;
using System.Web;
using Atomiton.Storage.Providers;
using Google.Apis.Auth.OAuth2.Requests;
using Google.Apis.Auth.OAuth2.Responses;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// <c>auth login|status|logout</c> for a <c>gdrive</c> stage, through Google.Apis.Auth's installed-app
/// flow: the host's prompt listens on a loopback redirect and opens the authorization address this
/// flow builds (PKCE S256, offline access, a random <c>state</c> checked on return); the code is
/// exchanged for tokens that land in the stage's credential store.
/// </summary>
internal static class GoogleSignIn
{
    public static async ValueTask<StorageSignInStatus> SignInAsync(GoogleDriveOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        var prompt = context.AuthorizationPrompt ?? throw context.AuthorizationRequired("no way to ask the user for consent was given (run the sign-in from the command line)", GoogleDriveProvider.TypeName);
        var flow = GoogleAuthFlows.Create(options, context, out _);
        string state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string? verifier = null;
        Uri? redirect = null;
        var returned = await prompt.AuthorizeInBrowserAsync(loopback =>
        {
            redirect = loopback;
            var request = flow.CreateAuthorizationCodeRequest(loopback.ToString(), out verifier);
            request.State = state;
            if (request is GoogleAuthorizationCodeRequestUrl google)
            {
                google.Prompt = "consent"; // so Google issues a refresh token even for a second sign-in
            }

            return request.Build();
        }, cancellationToken);
        var query = HttpUtility.ParseQueryString(returned.Query);
        if (query["error"] is { } error)
        {
            throw context.AuthorizationRequired($"Google refused consent ({error})", GoogleDriveProvider.TypeName);
        }

        if (query["state"] != state)
        {
            throw context.AuthorizationRequired("the sign-in redirect carried another state than the one sent, so it was ignored", GoogleDriveProvider.TypeName);
        }

        if (query["code"] is not { Length: > 0 } code || verifier is null || redirect is null)
        {
            throw context.AuthorizationRequired("the sign-in redirect carried no authorization code", GoogleDriveProvider.TypeName);
        }

        try
        {
            var token = await flow.ExchangeCodeForTokenAsync(GoogleAuthFlows.UserId, code, verifier, redirect.ToString(), cancellationToken);
            return StatusOf(token, options);
        }
        catch (TokenResponseException e)
        {
            throw context.AuthorizationRequired($"Google refused the authorization code ({e.Error?.Error})", GoogleDriveProvider.TypeName);
        }
    }

    public static async ValueTask<StorageSignInStatus> GetStatusAsync(GoogleDriveOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        var flow = GoogleAuthFlows.Create(options, context, out _);
        var token = await flow.LoadTokenAsync(GoogleAuthFlows.UserId, cancellationToken);
        return token is null
            ? new StorageSignInStatus { SignedIn = false, Authority = new Uri(options.TokenEndpoint), Detail = $"not signed in: run `{StorageException.SignInCommand(context.PipelineName, context.StageName)}`" }
            : StatusOf(token, options);
    }

    public static async ValueTask<bool> SignOutAsync(GoogleDriveOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        var flow = GoogleAuthFlows.Create(options, context, out var dataStore);
        var token = await flow.LoadTokenAsync(GoogleAuthFlows.UserId, cancellationToken);
        if (token is null)
        {
            return false;
        }

        try
        {
            // Revokes at the authority (the grant, so every token of it) and deletes from the store.
            await flow.RevokeTokenAsync(GoogleAuthFlows.UserId, token.RefreshToken ?? token.AccessToken, cancellationToken);
        }
        catch (TokenResponseException)
        {
            // Already revoked or expired at the authority: forgetting it is all that is left.
        }
        finally
        {
            await dataStore.DeleteAsync<TokenResponse>(GoogleAuthFlows.UserId);
        }

        return true;
    }

    private static StorageSignInStatus StatusOf(TokenResponse token, GoogleDriveOptions options) => new()
    {
        SignedIn = true,
        CanRefresh = token.RefreshToken is { Length: > 0 },
        AccessTokenExpiresAt = token.ExpiresInSeconds is { } seconds ? new DateTimeOffset(token.IssuedUtc, TimeSpan.Zero).AddSeconds(seconds) : null,
        Scopes = (token.Scope ?? options.ScopeUrl).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Authority = new Uri(options.TokenEndpoint),
    };
}
