using Atomiton.Storage.Providers;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Google.Apis.Auth's installed-app flow (authorization code with PKCE) pointed at the stage's
/// endpoints — Google's, or the emulator's loopback authority — with its tokens in the stage's
/// credential store.
/// </summary>
internal static class GoogleAuthFlows
{
    /// <summary>The user id under which Google.Apis.Auth keys the token set (one per stage store).</summary>
    public const string UserId = "user";

    public static PkceGoogleAuthorizationCodeFlow Create(GoogleDriveOptions options, StorageProviderContext context, out CredentialStoreDataStore dataStore)
    {
        var store = context.Credentials ?? throw new StorageException(StorageErrorCode.InvalidConfiguration,
            $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' (gdrive) needs a credential store for its Google tokens, and the host offers none. Run it through atomiton-storage or a StorageHost.")
        { Provider = GoogleDriveProvider.TypeName, Operation = "create" };
        dataStore = new CredentialStoreDataStore(store, context.Logger);
        var initializer = new EndpointInitializer(options.AuthorizationEndpoint, options.TokenEndpoint, options.RevokeEndpoint)
        {
            ClientSecrets = new ClientSecrets { ClientId = options.ClientId, ClientSecret = options.ClientSecret ?? "" },
            Scopes = [options.ScopeUrl],
            DataStore = dataStore,
        };
        return new PkceGoogleAuthorizationCodeFlow(initializer);
    }

    /// <summary>Google's flow initializer with the endpoints of the options (its public constructor fixes Google's own).</summary>
    private sealed class EndpointInitializer(string authorizationUrl, string tokenUrl, string revokeUrl)
        : GoogleAuthorizationCodeFlow.Initializer(authorizationUrl, tokenUrl, revokeUrl);
}
