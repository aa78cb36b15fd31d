using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Atomiton.Storage.Emulators.GoogleDrive;
using Atomiton.Storage.Host.Tests.Support;
using Atomiton.Storage.Hosting;

namespace Atomiton.Storage.Host.Tests;

/// <summary>
/// A <c>gdrive</c> stage built from <c>plugins.json</c> by the host, as a separate process, against
/// the Drive emulator: signed in (tokens in the stage's sealed credential file, as <c>auth login</c>
/// leaves them), then <c>put</c>, <c>get</c> and <c>ls</c>; and the same stage unsigned fails with
/// AuthorizationRequired naming the command.
/// </summary>
public sealed class GoogleDriveProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_signed_in_gdrive_stage_puts_gets_and_lists_through_the_host_process()
    {
        await using var emulator = await GoogleDriveWithAuthority.StartAsync();
        WriteConfiguration(emulator);
        await SignInAsync(emulator);
        File.WriteAllText(_sandbox.PathOf("note.txt"), "hello drive");

        var put = await _sandbox.RunAsync("put", "notes/hello.txt", "note.txt", "--pipeline", "drive");
        var get = await _sandbox.RunAsync("get", "notes/hello.txt", "--pipeline", "drive");

        // Drive lists recursively only (no shallow listing is declared), so ls needs --recursive.
        var ls = await _sandbox.RunAsync("ls", "--recursive", "--pipeline", "drive");

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("hello drive", get.Output);
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains("notes/hello.txt", ls.Output, StringComparison.Ordinal);
        Assert.Equal(["notes/hello.txt"], emulator.Drive.FileNames());
    }

    [Fact]
    public async Task An_unsigned_gdrive_stage_fails_with_the_sign_in_command()
    {
        await using var emulator = await GoogleDriveWithAuthority.StartAsync();
        WriteConfiguration(emulator);

        var ls = await _sandbox.RunAsync("ls", "--pipeline", "drive");

        Assert.NotEqual(0, ls.ExitCode);
        Assert.Contains("atomiton-storage auth login drive/gd", ls.Error, StringComparison.Ordinal);
        Assert.Equal(0, emulator.Drive.Requests.Count);
    }

    private void WriteConfiguration(GoogleDriveWithAuthority emulator)
    {
        File.WriteAllText(_sandbox.PathOf("gdrive-secret.txt"), GoogleDriveEmulator.ClientSecret);
        var configuration = new
        {
            pluginDirectories = new[] { BuildPaths.Plugins },
            defaultPipeline = "drive",
            stages = new Dictionary<string, object>
            {
                ["gd"] = new
                {
                    type = "gdrive",
                    options = new
                    {
                        clientId = GoogleDriveEmulator.ClientId,
                        clientSecret = "file:gdrive-secret.txt",
                        baseUri = emulator.Drive.ApiBase.ToString(),
                        authorizationEndpoint = emulator.Authority.AuthorizeEndpoint.ToString(),
                        tokenEndpoint = emulator.Authority.TokenEndpoint.ToString(),
                        revokeEndpoint = emulator.Authority.RevokeEndpoint.ToString(),
                    },
                },
            },
            pipelines = new Dictionary<string, object> { ["drive"] = new { chain = new[] { "gd" } } },
        };
        File.WriteAllText(_sandbox.ConfigurationFile, JsonSerializer.Serialize(configuration));
    }

    /// <summary>
    /// What <c>auth login drive/gd</c> leaves behind: the authority's token set (code flow with PKCE,
    /// played here) in the stage's credential file under the sandbox's configuration folder.
    /// </summary>
    private async Task SignInAsync(GoogleDriveWithAuthority emulator)
    {
        string verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        const string redirect = "http://127.0.0.1:9/authorize/";
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var authorized = await browser.GetAsync($"{emulator.Authority.AuthorizeEndpoint}?client_id={GoogleDriveEmulator.ClientId}&response_type=code&code_challenge_method=S256&code_challenge={challenge}&redirect_uri={Uri.EscapeDataString(redirect)}&scope=drive.appdata");
        string code = HttpUtility.ParseQueryString(authorized.Headers.Location!.Query)["code"]!;
        using var exchanged = await browser.PostAsync(emulator.Authority.TokenEndpoint, new FormUrlEncodedContent(
        [
            new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirect), new("code_verifier", verifier),
            new("client_id", GoogleDriveEmulator.ClientId), new("client_secret", GoogleDriveEmulator.ClientSecret),
        ]));
        var tokens = await exchanged.Content.ReadFromJsonAsync<JsonElement>();
        string stored = JsonSerializer.Serialize(new
        {
            access_token = tokens.GetProperty("access_token").GetString(),
            refresh_token = tokens.GetProperty("refresh_token").GetString(),
            token_type = "Bearer",
            expires_in = tokens.GetProperty("expires_in").GetInt32(),
            scope = "https://www.googleapis.com/auth/drive.appdata",
        });
        string folder = _sandbox.PathOf(Path.Combine(".config", "atomiton-storage"));
        using var host = StorageHost.Create(new StorageHostOptions
        {
            ConfigurationFile = _sandbox.ConfigurationFile,
            CredentialFolder = Path.Combine(folder, "credentials"),
            CredentialKeyFile = Path.Combine(folder, "credentials.key"),
        });
        await host.GetCredentialStore("drive", "gd").WriteAsync("google-oauth", stored, expectedVersion: null);
    }
}
