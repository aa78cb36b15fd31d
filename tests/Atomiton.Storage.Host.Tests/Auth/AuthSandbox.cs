using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atomiton.Storage.Emulators.OAuth;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>
/// A working folder whose plugins.json has a pipeline <c>probe</c> over the <c>oauth-probe</c> test plugin
/// (tests/TestPlugins/OAuthPlugin), and <c>photos</c> over another such stage <c>drive</c> (the names docs/cli.md uses), signing in at a loopback OAuth authority started here (a confidential
/// client: its secret reaches the process as <c>env:PROBE_CLIENT_SECRET</c>), and a pipeline <c>local</c>
/// over a filesystem stage <c>disk</c>. The host runs as a process with HOME in the folder, so its
/// credential folder is the folder's own.
/// </summary>
internal sealed class AuthSandbox : IAsyncDisposable
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    public const string ClientSecret = "client-secret-6f1c2a9b";

    private readonly Sandbox _sandbox;
    private readonly List<Process> _processes = [];

    private AuthSandbox(Sandbox sandbox, LoopbackOAuthAuthority authority)
    {
        _sandbox = sandbox;
        Authority = authority;
    }

    public LoopbackOAuthAuthority Authority { get; }

    public string Directory => _sandbox.Directory;

    /// <summary>Everything the authority issued, and the client secret: what no output may contain.</summary>
    public IReadOnlyList<string> Secrets => Authority.State.Secrets;

    /// <summary>The credential folder the host processes use (HOME is the sandbox).</summary>
    public string CredentialFolder => Path.Combine(Directory, ".config", "atomiton-storage", "credentials");

    /// <param name="options">The authority's options; give them <see cref="ClientSecret"/> (the configuration references it).</param>
    public static async Task<AuthSandbox> CreateAsync(LoopbackOAuthAuthorityOptions? options = null)
    {
        var authority = await LoopbackOAuthAuthority.StartAsync(options ?? new LoopbackOAuthAuthorityOptions { ClientSecret = ClientSecret, DeviceInterval = 1 });
        var sandbox = new Sandbox(Configuration(authority.Address));
        CopyDirectory(Path.Combine(BuildPaths.TestPlugins, "OAuthPlugin"), sandbox.PathOf(Path.Combine("test-plugins", "OAuthPlugin")));
        return new AuthSandbox(sandbox, authority);
    }

    private static string Configuration(Uri authority) => $$"""
        {
          "pluginDirectories": [{{Sandbox.PluginDirectoryJson}}, "test-plugins"],
          "defaultPipeline": "probe",
          "stages": {
            "remote": { "type": "oauth-probe", "options": { "authority": "{{authority}}", "clientId": "test-client", "clientSecret": "env:PROBE_CLIENT_SECRET", "baseDir": "probe-data" } },
            "drive":  { "type": "oauth-probe", "options": { "authority": "{{authority}}", "clientId": "test-client", "clientSecret": "env:PROBE_CLIENT_SECRET", "baseDir": "photos-data" } },
            "disk":   { "type": "filesystem", "options": { "baseDir": "data" } }
          },
          "pipelines": {
            "probe": { "chain": ["remote"] },
            "photos": { "chain": ["drive"] },
            "local": { "chain": ["disk"] }
          }
        }
        """;

    /// <summary>Runs the host to the end with stdin closed (or given).</summary>
    public async Task<CliResult> RunAsync(params string[] arguments)
    {
        await using var run = Start(arguments);
        return await run.WaitAsync();
    }

    /// <summary>Starts the host; read its stderr lines as they come, answer on stdin, then wait.</summary>
    public RunningHost Start(params string[] arguments)
    {
        var start = HostProcess.StartInfo(Directory, arguments);
        start.Environment["PROBE_CLIENT_SECRET"] = ClientSecret;
        return new RunningHost(Process.Start(start)!, arguments);
    }

    /// <summary>Plays the user's browser: opens the address and follows redirects (to the host's loopback listener).</summary>
    public static async Task<string> BrowseAsync(Uri address)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true });
        using var response = await browser.GetAsync(address).WaitAsync(HangGuard);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Revokes every access token the authority issued, so the next call gets a 401 and refreshes.</summary>
    public async Task RevokeAccessTokensAsync()
    {
        using var http = new HttpClient();
        foreach (string token in Secrets.Where(s => s.StartsWith("access-", StringComparison.Ordinal)))
        {
            using var content = new FormUrlEncodedContent([new("token", token)]);
            using var response = await http.PostAsync(Authority.RevokeEndpoint, content);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Signs <c>probe/remote</c> in by the device flow, approved by the test.</summary>
    public async Task SignInAsync()
    {
        await using var login = Start("auth", "login", "probe/remote", "--device");
        string line = await login.ErrorLineAsync(l => l.StartsWith("To sign in, open ", StringComparison.Ordinal));
        Assert.True(Authority.State.Decide(UserCode(line), approve: true), line);
        var result = await login.WaitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public static string UserCode(string line) => Regex.Match(line, @"enter (\d{4}-\d{4})").Groups[1].Value;

    public static Uri AddressIn(string line) => new(Regex.Match(line, @"(http://\S+)").Groups[1].Value);

    /// <summary>Asserts no issued token or secret appears in <paramref name="text"/>.</summary>
    public void AssertNoSecretIn(string text, string what)
    {
        foreach (string secret in Secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} contains a secret the authority issued ({secret[..Math.Min(8, secret.Length)]}…):\n{text}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Authority.DisposeAsync();
        _sandbox.Dispose();
    }

    private static void CopyDirectory(string from, string to)
    {
        Assert.True(System.IO.Directory.Exists(from), $"The test plugin is not built at {from}; build tests/TestPlugins/OAuthPlugin.");
        foreach (string file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>A host process under way: its stderr lines as they arrive, its stdin, its end.</summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string[] _arguments;
    private readonly StringBuilder _error = new();
    private readonly List<string> _errorLines = [];
    private readonly Task<string> _output;
    private readonly Task _errorPump;
    private TaskCompletionSource _lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunningHost(Process process, string[] arguments)
    {
        _process = process;
        _arguments = arguments;
        _output = process.StandardOutput.ReadToEndAsync();
        _errorPump = PumpErrorAsync();
    }

    /// <summary>Waits (minutes at most) for a stderr line matching <paramref name="match"/>.</summary>
    public async Task<string> ErrorLineAsync(Func<string, bool> match)
    {
        using var guard = new CancellationTokenSource(AuthSandbox.HangGuard);
        while (true)
        {
            Task arrived;
            lock (_errorLines)
            {
                if (_errorLines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                if (_errorPump.IsCompleted)
                {
                    Assert.Fail($"atomiton-storage {string.Join(' ', _arguments)} ended without the expected line; stderr:\n{_error}");
                }

                arrived = _lineArrived.Task;
            }

            await Task.WhenAny(arrived, _errorPump).WaitAsync(guard.Token);
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<CliResult> WaitAsync()
    {
        _process.StandardInput.Close();
        using var guard = new CancellationTokenSource(AuthSandbox.HangGuard);
        try
        {
            await _process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"atomiton-storage {string.Join(' ', _arguments)} did not finish within {AuthSandbox.HangGuard}; stderr:\n{_error}");
        }

        await _errorPump;
        return new CliResult(_process.ExitCode, await _output, _error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task PumpErrorAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_errorLines)
            {
                _error.AppendLine(line);
                _errorLines.Add(line);
                var arrived = _lineArrived;
                _lineArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                arrived.SetResult();
            }
        }
    }
}
