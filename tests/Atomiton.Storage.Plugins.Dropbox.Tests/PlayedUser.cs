using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>The user, played by the test: follows the authorize redirect as a browser would, or pastes the code the no-redirect page shows.</summary>
internal sealed class PlayedUser : IStorageAuthorizationPrompt
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    public List<Uri> Opened { get; } = [];

    public bool Refuse { get; init; }

    public ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("Dropbox has no device flow.");

    public async ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default)
    {
        var redirect = new Uri("http://127.0.0.1:9/callback");
        var address = authorizationUriFor(redirect);
        Opened.Add(address);
        if (Refuse)
        {
            return new Uri(redirect, "?error=access_denied&error_description=The+user+chose+not+to+give+your+app+access");
        }

        using var response = await Browser.GetAsync(address, cancellationToken);
        return response.Headers.Location ?? throw new InvalidOperationException($"The authorize page answered {(int)response.StatusCode}, not a redirect.");
    }

    public async ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default)
    {
        Opened.Add(authorizationUri);
        if (Refuse)
        {
            return "not-a-code";
        }

        string page = await Browser.GetStringAsync(authorizationUri, cancellationToken);
        return page[(page.LastIndexOf(' ') + 1)..];
    }
}
