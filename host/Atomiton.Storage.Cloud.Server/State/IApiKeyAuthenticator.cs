using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Server.State;

/// <summary>Where the server looks up the key of each request: the key file, or the database.</summary>
internal interface IApiKeyAuthenticator
{
    /// <summary>Names the store for the operator's log (a file path or "the database"); never a secret.</summary>
    string Source { get; }

    /// <summary>The valid (not revoked) entry of <paramref name="presentedKey"/>, or null.</summary>
    /// <exception cref="ApiKeyStoreUnavailableException">The store cannot be read now: no key is valid until it is back.</exception>
    ValueTask<ApiKeyEntry?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken);
}
