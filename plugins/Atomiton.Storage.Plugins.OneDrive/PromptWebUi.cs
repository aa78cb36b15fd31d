using Microsoft.Identity.Client.Extensibility;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// MSAL's browser step handed to the host: MSAL gives the authorization address it built (PKCE
/// challenge and state included) and waits here for the loopback redirect, which the host's
/// <see cref="Atomiton.Storage.Providers.IStorageAuthorizationPrompt.AuthorizeInBrowserAsync"/> receives.
/// </summary>
internal sealed class PromptWebUi : ICustomWebUi
{
    private readonly TaskCompletionSource<Uri> _authorizationUri = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _redirect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The address MSAL wants opened, once it has built it.</summary>
    public Task<Uri> AuthorizationUri => _authorizationUri.Task;

    public async Task<Uri> AcquireAuthorizationCodeAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
    {
        _authorizationUri.TrySetResult(authorizationUri);
        return await _redirect.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Hands MSAL the address the browser was redirected to.</summary>
    public void Redirected(Uri received) => _redirect.TrySetResult(received);

    /// <summary>The host's browser step failed or was cancelled: MSAL stops waiting.</summary>
    public void Abandon(Exception reason) => _redirect.TrySetException(reason);
}
