using Atomiton.Storage.Providers;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>Plays the user at the emulator: approves (or denies) device codes on its /device page, and follows the browser authorization to the loopback redirect.</summary>
internal sealed class EmulatorUserPrompt(bool approve = true) : IStorageAuthorizationPrompt
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public List<string> Shown { get; } = [];

    public async ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Shown.Add(userCode);
        using var answer = await Http.GetAsync(new Uri(verificationUri + "?user_code=" + Uri.EscapeDataString(userCode) + (approve ? "" : "&deny=1")), cancellationToken);
        answer.EnsureSuccessStatusCode();
    }

    public async ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default)
    {
        var address = authorizationUriFor(new Uri("http://127.0.0.1:53682/"));
        using var answer = await Http.GetAsync(address, cancellationToken);
        return answer.Headers.Location ?? throw new InvalidOperationException($"The authorization page answered {(int)answer.StatusCode} without a redirect.");
    }

    public ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("OneDrive does not use the pasted-code flow.");
}
