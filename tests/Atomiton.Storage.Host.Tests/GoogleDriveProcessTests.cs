using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Atomiton.Storage.Emulators.GoogleDrive;
using Atomiton.Storage.Host.Tests.Support;
using Atomiton.Storage.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Host.Tests;

/// <summary>
/// A <c>gdrive</c> stage built from <c>plugins.json</c> by the host, as a separate process, against
/// the Drive emulator: <c>auth login</c> as a process (the test plays the browser), or tokens put in
/// the stage's sealed credential file as <c>auth login</c> leaves them; then <c>put</c>, <c>get</c>,
/// <c>ls</c> and <c>dedupe</c>; and the same stage unsigned fails with AuthorizationRequired naming
/// the command.
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
    public async Task Auth_login_then_put_get_and_ls_run_as_processes_against_the_drive_emulator()
    {
        await using var emulator = await GoogleDriveWithAuthority.StartAsync();
        WriteConfiguration(emulator);

        var login = await LoginPlayingTheBrowserAsync("drive/gd");
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Signed in stage 'gd' (gdrive) of pipeline 'drive'", login.Output, StringComparison.Ordinal);

        File.WriteAllText(_sandbox.PathOf("note.txt"), "signed in by auth login");
        var put = await _sandbox.RunAsync("put", "notes/login.txt", "note.txt", "--pipeline", "drive");
        Assert.True(put.ExitCode == 0, put.ToString());
        var get = await _sandbox.RunAsync("get", "notes/login.txt", "--pipeline", "drive");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("signed in by auth login", get.Output);
        var ls = await _sandbox.RunAsync("ls", "--recursive", "--pipeline", "drive");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains("notes/login.txt", ls.Output, StringComparison.Ordinal);
        Assert.Equal(["notes/login.txt"], emulator.Drive.FileNames());
    }

    [Fact]
    public async Task Dedupe_keeps_the_most_recently_modified_file_of_each_name_and_a_dry_run_deletes_nothing()
    {
        // The emulator's clock decides which copy is the most recently modified (Drive's modifiedByMeTime).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await using var emulator = await GoogleDriveWithAuthority.StartAsync(new LoopbackDriveServerOptions { TimeProvider = clock });
        WriteConfiguration(emulator, permanentDelete: true);
        string token = await SignInAsync(emulator);
        using var drive = new HttpClient { BaseAddress = emulator.Drive.Address };
        drive.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // What concurrent creators leave: three files named dup/a.txt, two named dup/b.txt, and one single file, a minute apart.
        foreach (var (name, content) in new[] { ("dup/a.txt", "first a"), ("dup/b.txt", "first b"), ("dup/a.txt", "second a"), ("dup/b.txt", "second b"), ("dup/a.txt", "third a"), ("single.txt", "only") })
        {
            await CreateAsync(drive, name, content);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        // As docs/cli.md shows it.
        var dryRun = await _sandbox.RunAsync("--pipeline", "drive", "dedupe", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("dup/a.txt: kept the copy updated 2026-03-01T00:04:00.0000000+00:00", dryRun.Output, StringComparison.Ordinal);
        Assert.Contains("would delete 2 others", dryRun.Output, StringComparison.Ordinal);
        Assert.Contains("pipeline 'drive': 2 keys had duplicates; would delete 3 objects (dry run: nothing was deleted)", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(6, emulator.Drive.FileNames().Count);

        var dedupe = await _sandbox.RunAsync("dedupe", "--json", "--pipeline", "drive");
        Assert.True(dedupe.ExitCode == 0, dedupe.ToString());
        var report = dedupe.Json();
        Assert.False(report.GetProperty("dryRun").GetBoolean());
        Assert.Equal(3, report.GetProperty("removed").GetInt32());
        Assert.Equal(["dup/a.txt", "dup/b.txt"], report.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(["dup/a.txt", "dup/b.txt", "single.txt"], emulator.Drive.FileNames());
        var a = await _sandbox.RunAsync("get", "dup/a.txt", "--pipeline", "drive");
        var b = await _sandbox.RunAsync("get", "dup/b.txt", "--pipeline", "drive");
        Assert.Equal("third a", a.Output);
        Assert.Equal("second b", b.Output);

        var again = await _sandbox.RunAsync("dedupe", "--pipeline", "drive");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("no key names more than one object", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedupe_of_a_pipeline_without_duplicate_names_exits_with_a_configuration_error()
    {
        var dedupe = await _sandbox.RunAsync("dedupe", "--pipeline", "local");

        Assert.Equal(6, dedupe.ExitCode);
        Assert.Contains("Pipeline 'local' has no stage whose backend allows several objects under one key", dedupe.Error, StringComparison.Ordinal);
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

    private void WriteConfiguration(GoogleDriveWithAuthority emulator, bool permanentDelete = false)
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
                        permanentDelete,
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
    private async Task<string> SignInAsync(GoogleDriveWithAuthority emulator)
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
        return tokens.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// Runs <c>auth login &lt;target&gt; --no-browser</c> as a process and plays the user's browser: opens
    /// the address it prints, which the emulator's authority answers with a redirect to the command's
    /// loopback listener, carrying the code.
    /// </summary>
    private async Task<CliResult> LoginPlayingTheBrowserAsync(string target)
    {
        const string Prompt = "Open this address in a browser to sign in: ";
        using var process = Process.Start(HostProcess.StartInfo(_sandbox.Directory, ["auth", "login", target, "--no-browser"]))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        using var guard = new CancellationTokenSource(HostProcess.Timeout);
        var error = new StringBuilder();
        string? address = null;
        while (address is null && await process.StandardError.ReadLineAsync(guard.Token) is { } line)
        {
            error.AppendLine(line);
            int at = line.IndexOf(Prompt, StringComparison.Ordinal);
            address = at < 0 ? null : line[(at + Prompt.Length)..].Trim();
        }

        var rest = process.StandardError.ReadToEndAsync(guard.Token);
        if (address is not null)
        {
            using var browser = new HttpClient();
            using var page = await browser.GetAsync(new Uri(address), guard.Token);
            Assert.True(page.IsSuccessStatusCode, $"The loopback page answered {(int)page.StatusCode}.");
        }

        await process.WaitForExitAsync(guard.Token);
        return new CliResult(process.ExitCode, await output, error + await rest);
    }

    /// <summary>Creates a file of <paramref name="name"/> in the app-data folder with a multipart upload, as another Drive client would.</summary>
    private static async Task CreateAsync(HttpClient drive, string name, string content)
    {
        using var body = new MultipartContent("related", "s33d");
        body.Add(new StringContent(JsonSerializer.Serialize(new { name, parents = new[] { "appDataFolder" } }), Encoding.UTF8, "application/json"));
        body.Add(new StringContent(content, Encoding.UTF8, "text/plain"));
        using var response = await drive.PostAsync("upload/drive/v3/files?uploadType=multipart&fields=id", body);
        response.EnsureSuccessStatusCode();
    }
}
