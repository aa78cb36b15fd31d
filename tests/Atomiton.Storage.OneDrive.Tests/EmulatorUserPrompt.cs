using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>
/// Plays the user at the emulator's https authority (trusting only its pinned certificate): approves (or
/// denies) device codes on its /device page, and for a browser sign-in follows the authorization address
/// to the loopback redirect on a port it holds open on 127.0.0.1, and hands that address back as the host's listener does.
/// </summary>
internal sealed class EmulatorUserPrompt(string authorityThumbprint, bool approve = true) : IStorageAuthorizationPrompt
{
    public List<string> Shown { get; } = [];

    public List<Uri> Opened { get; } = [];

    private HttpClient Browser() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == authorityThumbprint },
    });

    public async ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Shown.Add(userCode);
        using var browser = Browser();
        using var answer = await browser.GetAsync(new Uri(verificationUri + "?user_code=" + Uri.EscapeDataString(userCode) + (approve ? "" : "&deny=1")), cancellationToken);
        answer.EnsureSuccessStatusCode();
    }

    public async ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default)
    {
        // A real loopback listener, as the host's: the redirect address names its port.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var redirect = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        var address = authorizationUriFor(redirect);
        Opened.Add(address);
        using var browser = Browser();
        using var answer = await browser.GetAsync(address, cancellationToken);
        var location = answer.Headers.Location ?? throw new InvalidOperationException($"The authorization page answered {(int)answer.StatusCode} without a redirect.");
        Assert.Equal(redirect.Authority, location.Authority);
        return location;
    }

    public ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("OneDrive does not use the pasted-code flow.");
}
