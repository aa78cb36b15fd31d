namespace Atomiton.Storage.Providers;

/// <summary>
/// How a provider asks the user for consent, implemented by the host (the command line prints and
/// opens a browser; a server or a test answers in its own way). Plugins never talk to the console
/// or start a browser themselves. Present only while the host runs a sign-in
/// (<c>atomiton-storage auth login</c>); otherwise a provider without a usable credential throws
/// <see cref="StorageException.AuthorizationRequired"/>.
/// </summary>
public interface IStorageAuthorizationPrompt
{
    /// <summary>Shows a device code (RFC 8628): the user opens <paramref name="verificationUri"/> on any device and enters <paramref name="userCode"/>.</summary>
    /// <param name="verificationUri">The address to open.</param>
    /// <param name="userCode">The code to enter there.</param>
    /// <param name="expiresAt">When the code stops working.</param>
    /// <param name="cancellationToken">Cancels the prompt.</param>
    ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a browser sign-in with a loopback redirect: the host listens on
    /// <c>http://127.0.0.1:&lt;free port&gt;/</c>, asks <paramref name="authorizationUriFor"/> for the
    /// authorization address that redirects there, opens it (or prints it), and returns the
    /// address the browser was redirected to, whose query carries <c>code</c> and <c>state</c> (or <c>error</c>).
    /// </summary>
    /// <param name="authorizationUriFor">Given the loopback redirect address, the authorization address to open.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The redirect address as received, query included.</returns>
    ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default);

    /// <summary>Shows an authorization address with no redirect (Dropbox's flow) and returns the code the user pastes back.</summary>
    /// <param name="authorizationUri">The address to open.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The code, trimmed.</returns>
    ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default);
}
