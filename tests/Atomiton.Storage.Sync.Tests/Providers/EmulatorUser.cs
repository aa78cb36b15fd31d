using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Sync.Tests.Providers;

/// <summary>
/// The user at an emulator's sign-in pages: follows the browser authorization to its loopback redirect, or approves a device code.
/// An https authority with a self-signed certificate (the Graph emulator's, for MSAL) is trusted by its pinned thumbprint only.
/// </summary>
internal sealed class EmulatorUser(string? authorityThumbprint = null) : IStorageAuthorizationPrompt, IDisposable
{
    private readonly HttpClient Browser = new(authorityThumbprint is null
        ? new SocketsHttpHandler { AllowAutoRedirect = false }
        : new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => string.Equals(certificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), authorityThumbprint, StringComparison.OrdinalIgnoreCase) },
        });

    public void Dispose() => Browser.Dispose();

    public async ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        using var answer = await Browser.GetAsync(new Uri(verificationUri + "?user_code=" + Uri.EscapeDataString(userCode)), cancellationToken);
        answer.EnsureSuccessStatusCode();
    }

    public async ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default)
    {
        using var answer = await Browser.GetAsync(authorizationUriFor(new Uri("http://127.0.0.1:53682/")), cancellationToken);
        return answer.Headers.Location ?? throw new InvalidOperationException($"The authorization page answered {(int)answer.StatusCode} without a redirect.");
    }

    public ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The tests sign in through the browser or device flow.");
}
