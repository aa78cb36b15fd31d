using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.OAuth;

/// <summary>The user, played by the test: follows the authorize redirect as a browser would, pastes the shown code, approves device codes at the authority.</summary>
internal sealed class PlayedUser : IStorageAuthorizationPrompt
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    public Func<Uri, Uri>? TamperRedirect { get; init; }

    public List<string> Shown { get; } = [];

    /// <summary>The last device code shown; the test approves it at the authority.</summary>
    public string? UserCode { get; private set; }

    public async ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Shown.Add($"open {verificationUri} and enter {userCode}");
        UserCode = userCode;
        await Task.CompletedTask;
    }

    public async ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default)
    {
        var redirect = new Uri("http://127.0.0.1:9/callback");
        using var response = await Browser.GetAsync(authorizationUriFor(redirect), cancellationToken);
        var location = response.Headers.Location ?? throw new InvalidOperationException($"The authority answered {(int)response.StatusCode}, not a redirect.");
        return TamperRedirect is null ? location : TamperRedirect(location);
    }

    public async ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default)
    {
        string page = await Browser.GetStringAsync(authorizationUri, cancellationToken);
        return page[(page.LastIndexOf(' ') + 1)..];
    }
}
