using System.Security.Cryptography;
using Microsoft.Identity.Client;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// MSAL's HTTP client for a test authority (the emulator's self-signed https endpoints): it trusts
/// exactly one server certificate, the one whose SHA-256 thumbprint the stage pins
/// (<see cref="OneDriveOptions.AuthorityCertificateThumbprint"/>), and no other — not even one a public
/// authority signed. Nothing else in the process is affected: certificate validation is never turned off.
/// </summary>
internal sealed class PinnedCertificateHttpClientFactory : IMsalHttpClientFactory, IDisposable
{
    private readonly HttpClient _http;

    public PinnedCertificateHttpClientFactory(string thumbprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(thumbprint);
        string pinned = thumbprint.Replace(":", "", StringComparison.Ordinal).Trim();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions =
            {
                // A self-signed certificate always has chain errors; the pin is the whole check.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase),
            },
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <inheritdoc />
    public HttpClient GetHttpClient() => _http;

    public void Dispose() => _http.Dispose();
}
