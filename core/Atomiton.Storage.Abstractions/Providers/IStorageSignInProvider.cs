namespace Atomiton.Storage.Providers;

/// <summary>
/// Implemented, beside <see cref="IStorageProvider"/>, by a provider whose service signs users in
/// (OAuth: Google Drive, OneDrive, Dropbox). The host calls it for
/// <c>atomiton-storage auth login|status|logout &lt;pipeline&gt;/&lt;stage&gt;</c> with the stage's
/// validated options and a context that carries the stage's
/// <see cref="StorageProviderContext.Credentials"/> and, for a sign-in, the host's
/// <see cref="StorageProviderContext.AuthorizationPrompt"/>. Tokens stay inside the plugin and
/// its credential store: nothing returned here carries a secret.
/// </summary>
public interface IStorageSignInProvider
{
    /// <summary>The flows this provider offers, the preferred one first (the host uses it unless the user asks for another).</summary>
    IReadOnlyList<StorageSignInFlow> SignInFlows { get; }

    /// <summary>Signs the stage in through <paramref name="flow"/> and stores what it must keep in <see cref="StorageProviderContext.Credentials"/>.</summary>
    /// <param name="options">An instance of <see cref="IStorageProvider.OptionsType"/>, bound, validated and with secret references resolved.</param>
    /// <param name="context">The stage, its credential store and the host's prompt (never null during a sign-in).</param>
    /// <param name="flow">One of <see cref="SignInFlows"/>.</param>
    /// <param name="cancellationToken">Cancels the sign-in; nothing is stored then.</param>
    /// <returns>The new status (signed in).</returns>
    /// <exception cref="StorageException">AuthorizationRequired when the user or the service refused consent (the message says why, never a token); UnsupportedOperation for a flow not in <see cref="SignInFlows"/>.</exception>
    ValueTask<StorageSignInStatus> SignInAsync(object options, StorageProviderContext context, StorageSignInFlow flow, CancellationToken cancellationToken = default);

    /// <summary>Reports whether the stage is signed in, as who, and until when, from the credential store (it may refresh a token, never prompts).</summary>
    /// <param name="options">The stage's options, as for <see cref="SignInAsync"/>.</param>
    /// <param name="context">The stage and its credential store.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    ValueTask<StorageSignInStatus> GetSignInStatusAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default);

    /// <summary>Revokes the stage's tokens at the service where it can, and forgets them.</summary>
    /// <param name="options">The stage's options, as for <see cref="SignInAsync"/>.</param>
    /// <param name="context">The stage and its credential store.</param>
    /// <param name="cancellationToken">Cancels the sign-out.</param>
    /// <returns>True when something was forgotten; false when the stage was not signed in.</returns>
    ValueTask<bool> SignOutAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default);
}

/// <summary>How a user gives consent.</summary>
public enum StorageSignInFlow
{
    /// <summary>Authorization code with PKCE and a loopback redirect on 127.0.0.1 (the installed-app flow): the host opens a browser or prints the address.</summary>
    Browser,

    /// <summary>Device authorization (RFC 8628): the host shows a code and an address to open on any device; for machines without a browser.</summary>
    DeviceCode,

    /// <summary>No redirect: the host shows an address and the user pastes back the code the service shows (Dropbox's flow for terminals).</summary>
    PastedCode,
}

/// <summary>Whether a stage is signed in; never carries a token.</summary>
public sealed record StorageSignInStatus
{
    /// <summary>True when the stage holds a credential it can use or refresh.</summary>
    public required bool SignedIn { get; init; }

    /// <summary>Who is signed in, as the service names the account (an e-mail address or account id), when known.</summary>
    public string? Account { get; init; }

    /// <summary>When the current access token expires, when known.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>True when a refresh token is held, so an expired access token is renewed without the user.</summary>
    public bool CanRefresh { get; init; }

    /// <summary>The scopes granted, as the service reported them.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The authority or service address the stage signs in at (no secret).</summary>
    public Uri? Authority { get; init; }

    /// <summary>A sentence for the user when something needs attention (for example "the refresh token was revoked: run atomiton-storage auth login photos/drive").</summary>
    public string? Detail { get; init; }
}
