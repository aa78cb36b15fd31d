using System.Diagnostics;
using System.Text.Json;
using Atomiton.Storage.OAuth;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>
/// The <c>dropbox</c> stage through the host as processes: <c>atomiton-storage emulate dropbox</c>
/// serves the emulator; the user signs in (PKCE, pasted code) at its authorize page — through
/// <c>atomiton-storage auth login --paste</c> (tokens in the stage's credential store), or through
/// the OAuth client with the token handed over by an <c>env:</c> reference — and <c>put</c>,
/// <c>get</c> and <c>ls -r</c> run against a <c>plugins.json</c> whose pipeline is one dropbox stage
/// (the bundled plugin from artifacts/plugins).
/// </summary>
public sealed class HostProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-dropbox-host-" + Guid.NewGuid().ToString("N"));
    private Process? _emulator;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_emulator is { HasExited: false })
        {
            _emulator.Kill(entireProcessTree: true);
            await _emulator.WaitForExitAsync();
        }

        _emulator?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [SkippableFact]
    public async Task Auth_login_with_a_pasted_code_then_put_get_and_ls_against_emulate_dropbox()
    {
        var (root, host) = Locate();
        Skip.IfNot(File.Exists(host), $"The host is not built at {host}; build host/Atomiton.Storage.Host first.");
        Skip.IfNot(Directory.Exists(Path.Combine(root, "artifacts", "plugins", "Atomiton.Storage.Plugins.Dropbox")), "The dropbox plugin is not laid out in artifacts/plugins; build the host (it builds the bundled plugins).");

        _emulator = Process.Start(Start(host, "emulate", "dropbox", "--json"))!;
        using var guard = new CancellationTokenSource(Guard);
        string first = await _emulator.StandardOutput.ReadLineAsync(guard.Token) ?? throw new InvalidOperationException("emulate dropbox printed nothing: " + await _emulator.StandardError.ReadToEndAsync());
        var running = JsonDocument.Parse(first).RootElement;
        string Address(string role) => running.GetProperty("addresses").GetProperty(role).GetString()!;
        string config = Path.Combine(_folder, "plugins.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            pluginDirectories = new[] { Path.Combine(root, "artifacts", "plugins") },
            defaultPipeline = "box",
            stages = new Dictionary<string, object>
            {
                ["dropbox"] = new
                {
                    type = "dropbox",
                    options = new Dictionary<string, object>
                    {
                        ["appKey"] = running.GetProperty("settings").GetProperty("appKey").GetString()!,
                        ["root"] = "/login-test",
                        ["apiAddress"] = Address("api"),
                        ["contentAddress"] = Address("content"),
                        ["notifyAddress"] = Address("api"),
                        ["authorizeAddress"] = Address("authorize"),
                        ["tokenAddress"] = Address("token"),
                    },
                },
            },
            pipelines = new Dictionary<string, object> { ["box"] = new { chain = new[] { "dropbox" } } },
        }), guard.Token);

        var login = await LoginPastingTheCodeAsync(host, guard.Token);
        Assert.True(login.Code == 0, login.ToString());
        Assert.Contains("Signed in stage 'dropbox' (dropbox) of pipeline 'box'", login.Output, StringComparison.Ordinal);

        var put = await RunAsync(host, "", "stored by a signed-in stage", "put", "login/hello.txt", "-", "--config", config);
        Assert.True(put.Code == 0, put.ToString());
        var get = await RunAsync(host, "", null, "get", "login/hello.txt", "-", "--config", config);
        Assert.True(get.Code == 0, get.ToString());
        Assert.Equal("stored by a signed-in stage", get.Output);
        var ls = await RunAsync(host, "", null, "ls", "-r", "--config", config);
        Assert.True(ls.Code == 0, ls.ToString());
        Assert.Contains("login/hello.txt", ls.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Put_get_and_ls_through_a_dropbox_stage_against_emulate_dropbox()
    {
        var (root, host) = Locate();
        Skip.IfNot(File.Exists(host), $"The host is not built at {host}; build host/Atomiton.Storage.Host first.");
        Skip.IfNot(Directory.Exists(Path.Combine(root, "artifacts", "plugins", "Atomiton.Storage.Plugins.Dropbox")), "The dropbox plugin is not laid out in artifacts/plugins; build the host (it builds the bundled plugins).");

        _emulator = Process.Start(Start(host, "emulate", "dropbox", "--json"))!;
        using var guard = new CancellationTokenSource(Guard);
        string first = await _emulator.StandardOutput.ReadLineAsync(guard.Token) ?? throw new InvalidOperationException("emulate dropbox printed nothing: " + await _emulator.StandardError.ReadToEndAsync());
        var running = JsonDocument.Parse(first).RootElement;
        string Address(string role) => running.GetProperty("addresses").GetProperty(role).GetString()!;
        string appKey = running.GetProperty("settings").GetProperty("appKey").GetString()!;

        using var http = new HttpClient();
        var oauth = new OAuthClient(http, new OAuthEndpoints
        {
            ClientId = appKey,
            AuthorizationEndpoint = new Uri(Address("authorize")),
            TokenEndpoint = new Uri(Address("token")),
            AuthorizationParameters = new Dictionary<string, string> { ["token_access_type"] = "offline" },
        });
        var tokens = await oauth.SignInWithPastedCodeAsync(new PlayedUser(), guard.Token);

        string config = Path.Combine(_folder, "plugins.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            pluginDirectories = new[] { Path.Combine(root, "artifacts", "plugins") },
            defaultPipeline = "box",
            stages = new Dictionary<string, object>
            {
                ["dropbox"] = new
                {
                    type = "dropbox",
                    options = new Dictionary<string, object>
                    {
                        ["appKey"] = appKey,
                        ["root"] = "/host-test",
                        ["accessToken"] = "env:ATOMITON_TEST_DROPBOX_TOKEN",
                        ["apiAddress"] = Address("api"),
                        ["contentAddress"] = Address("content"),
                        ["notifyAddress"] = Address("api"),
                        ["authorizeAddress"] = Address("authorize"),
                        ["tokenAddress"] = Address("token"),
                    },
                },
            },
            pipelines = new Dictionary<string, object> { ["box"] = new { chain = new[] { "dropbox" } } },
        }), guard.Token);

        // From standard input: for a file, put guesses a content type, which Dropbox cannot store.
        var put = await RunAsync(host, tokens.AccessToken, "from the host", "put", "notes/Ünïcode note.txt", "-", "--config", config);
        Assert.True(put.Code == 0, put.ToString());
        var get = await RunAsync(host, tokens.AccessToken, null, "get", "notes/Ünïcode note.txt", "-", "--config", config);
        Assert.True(get.Code == 0, get.ToString());
        Assert.Equal("from the host", get.Output);
        var ls = await RunAsync(host, tokens.AccessToken, null, "ls", "-r", "--config", config);
        Assert.True(ls.Code == 0, ls.ToString());
        Assert.Contains("notes/Ünïcode note.txt", ls.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.AccessToken, put.ToString() + get + ls, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <c>auth login box/dropbox --paste</c> (as docs/providers/dropbox.md shows it; ./plugins.json)
    /// as a process and plays the user: opens the address it prints (Dropbox's no-redirect page shows
    /// the code) and types the code on its standard input.
    /// </summary>
    private async Task<Result> LoginPastingTheCodeAsync(string host, CancellationToken cancellationToken)
    {
        const string Prompt = "paste the code it shows here: ";
        var start = Start(host, "auth", "login", "box/dropbox", "--paste");
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = new System.Text.StringBuilder();
        string? address = null;
        while (address is null && await process.StandardError.ReadLineAsync(cancellationToken) is { } line)
        {
            error.AppendLine(line);
            int at = line.IndexOf(Prompt, StringComparison.Ordinal);
            address = at < 0 ? null : line[(at + Prompt.Length)..].Trim();
        }

        var rest = process.StandardError.ReadToEndAsync(cancellationToken);
        if (address is not null)
        {
            using var browser = new HttpClient();
            string page = await browser.GetStringAsync(new Uri(address), cancellationToken);
            await process.StandardInput.WriteLineAsync(page[(page.LastIndexOf(' ') + 1)..].AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return new Result(process.ExitCode, await output, error + await rest);
    }

    private async Task<Result> RunAsync(string host, string token, string? input, params string[] arguments)
    {
        var start = Start(host, arguments);
        start.Environment["ATOMITON_TEST_DROPBOX_TOKEN"] = token;
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(Guard);
        await process.WaitForExitAsync(guard.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    private ProcessStartInfo Start(string host, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(host);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = _folder;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(_folder, ".config");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    /// <summary>The repository root and the host assembly of the same configuration as this test build.</summary>
    private static (string Root, string Host) Locate()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = folder.Parent?.Name ?? "Debug"; // bin/<configuration>/net10.0/
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Atomiton.Storage.Plugins.sln")))
        {
            folder = folder.Parent;
        }

        string root = folder?.FullName ?? throw new InvalidOperationException("The repository root (Atomiton.Storage.Plugins.sln) is not above the test assembly.");
        return (root, Path.Combine(root, "host", "Atomiton.Storage.Host", "bin", configuration, "net10.0", "Atomiton.Storage.Host.dll"));
    }

    private sealed record Result(int Code, string Output, string Error)
    {
        public override string ToString() => $"exit {Code}\n{Output}\n{Error}";
    }
}
