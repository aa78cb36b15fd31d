using Atomiton.Storage.Providers;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>The user, played by the test: follows the authorize redirect as a browser would (the authority approves at once).</summary>
internal sealed class PlayedUser : IStorageAuthorizationPrompt
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    public Func<Uri, Uri>? TamperRedirect { get; init; }

    public List<Uri> Opened { get; } = [];

    public ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The gdrive provider offers no device flow.");

    public async ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default)
    {
        var redirect = new Uri("http://127.0.0.1:9/authorize/");
        var address = authorizationUriFor(redirect);
        Opened.Add(address);
        using var response = await Browser.GetAsync(address, cancellationToken);
        var location = response.Headers.Location ?? throw new InvalidOperationException($"The authority answered {(int)response.StatusCode}, not a redirect.");
        return TamperRedirect is null ? location : TamperRedirect(location);
    }

    public ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The gdrive provider offers no pasted-code flow.");
}
