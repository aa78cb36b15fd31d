using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>
/// A working folder whose plugins.json has a pipeline <c>photos</c> over one <c>onedrive</c> stage named
/// <c>onedrive</c>, pointed at a Graph drive emulator (its API, its https authority and the authority's
/// pinned certificate thumbprint); the host runs as a process with HOME in the folder, so the stage's
/// MSAL token cache lands in the folder's own credential store.
/// </summary>
internal sealed class OneDriveSandbox : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public OneDriveSandbox(string graphBaseUrl, string authorityHost, string thumbprint)
    {
        Thumbprint = thumbprint;
        File.WriteAllText(_sandbox.ConfigurationFile, JsonSerializer.Serialize(new
        {
            pluginDirectories = new[] { BuildPaths.Plugins },
            defaultPipeline = "photos",
            stages = new Dictionary<string, object>
            {
                ["onedrive"] = new
                {
                    type = "onedrive",
                    options = new { clientId = "test-client", graphBaseUrl, authorityHost, authorityCertificateThumbprint = thumbprint },
                },
            },
            pipelines = new Dictionary<string, object> { ["photos"] = new { chain = new[] { "onedrive" } } },
        }));
    }

    public string Thumbprint { get; }

    public string Directory => _sandbox.Directory;

    /// <summary>The sealed file holding the stage's MSAL token cache.</summary>
    public string CredentialFile => Path.Combine(Directory, ".config", "atomiton-storage", "credentials", "photos", "onedrive.credentials");

    public string PathOf(string relative) => _sandbox.PathOf(relative);

    public RunningHost Start(params string[] arguments) => new(System.Diagnostics.Process.Start(HostProcess.StartInfo(Directory, arguments))!, arguments);

    public async Task<CliResult> RunAsync(params string[] arguments)
    {
        await using var run = Start(arguments);
        return await run.WaitAsync();
    }

    /// <summary>Runs a sign-in with <c>--device</c> (and any more arguments), approving the code it prints at the emulator's authority.</summary>
    public async Task<CliResult> SignInWithDeviceAsync(bool approve = true, params string[] arguments)
    {
        await using var login = Start(arguments.Length > 0 ? arguments : ["auth", "login", "photos/onedrive", "--device"]);
        string line = await login.ErrorLineAsync(l => l.StartsWith("To sign in, open ", StringComparison.Ordinal));
        await ApproveAsync(line, approve);
        return await login.WaitAsync();
    }

    /// <summary>Runs a browser sign-in with <c>--no-browser</c> (and any more arguments), playing the browser: opens the printed address and follows the authority's redirect to the host's loopback listener.</summary>
    public async Task<CliResult> SignInWithBrowserAsync(params string[] more)
    {
        await using var login = Start(["auth", "login", "photos/onedrive", "--no-browser", .. more]);
        string line = await login.ErrorLineAsync(l => l.StartsWith("Open this address in a browser to sign in: ", StringComparison.Ordinal));
        var address = new Uri(line["Open this address in a browser to sign in: ".Length..].Trim());
        using var browser = Browser();
        using var authorized = await browser.GetAsync(address).WaitAsync(AuthSandbox.HangGuard);
        var redirect = authorized.Headers.Location ?? throw new InvalidOperationException($"The authority answered {(int)authorized.StatusCode} without a redirect.");
        Assert.Equal("127.0.0.1", redirect.Host);
        using var loopback = new HttpClient();
        using var page = await loopback.GetAsync(redirect).WaitAsync(AuthSandbox.HangGuard);
        page.EnsureSuccessStatusCode();
        return await login.WaitAsync();
    }

    /// <summary>Plays the user on another device: opens the printed address with the printed code (trusting only the emulator's certificate).</summary>
    public async Task ApproveAsync(string line, bool approve = true)
    {
        var match = Regex.Match(line, @"open (https://\S+) and enter (\d{4}-\d{4})");
        Assert.True(match.Success, line);
        using var browser = Browser();
        using var answer = await browser.GetAsync(new Uri($"{match.Groups[1].Value}?user_code={match.Groups[2].Value}{(approve ? "" : "&deny=1")}")).WaitAsync(AuthSandbox.HangGuard);
        answer.EnsureSuccessStatusCode();
    }

    public void Dispose() => _sandbox.Dispose();

    /// <summary>A browser that trusts only the emulator's certificate and does not follow redirects.</summary>
    private HttpClient Browser() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == Thumbprint },
    });
}
