using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>
/// <c>auth login|status|logout</c> end to end: the host runs as a process against the loopback OAuth
/// authority through the oauth-probe test plugin, and the test plays the user (it follows the
/// authorization address as a browser would, approves the device code at the authority, pastes the code).
/// </summary>
public sealed class AuthCommandTests
{
    [Fact]
    public async Task Login_in_a_browser_follows_the_redirect_to_the_loopback_listener_and_stores_the_tokens()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();

        await using var login = sandbox.Start("auth", "login", "probe/remote", "--no-browser");
        string line = await login.ErrorLineAsync(l => l.StartsWith("Open this address in a browser to sign in: ", StringComparison.Ordinal));
        var address = AuthSandbox.AddressIn(line);
        Assert.StartsWith(sandbox.Authority.AuthorizeEndpoint.ToString(), address.ToString(), StringComparison.Ordinal);
        string page = await AuthSandbox.BrowseAsync(address);
        var result = await login.WaitAsync();

        Assert.Contains("You can close this tab", page, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Signed in stage 'remote' (oauth-probe) of pipeline 'probe' as user@example.test", result.Output, StringComparison.Ordinal);
        Assert.Contains("renews on its own", result.Output, StringComparison.Ordinal);
        Assert.Contains("Waiting for the browser to come back to http://127.0.0.1:", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(sandbox.CredentialFolder, "probe", "remote.credentials")));
        sandbox.AssertNoSecretIn(result.Output + result.Error, "auth login");
    }

    [Fact]
    public async Task Login_with_device_shows_the_address_and_code_and_ends_when_the_user_approves()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();

        await using var login = sandbox.Start("auth", "login", "probe/remote", "--device", "--json");
        string line = await login.ErrorLineAsync(l => l.StartsWith("To sign in, open ", StringComparison.Ordinal));
        Assert.Contains($"open {sandbox.Authority.Address}device and enter ", line, StringComparison.Ordinal);
        Assert.True(sandbox.Authority.State.Decide(AuthSandbox.UserCode(line), approve: true));
        var result = await login.WaitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("device", json.GetProperty("flow").GetString());
        var status = json.GetProperty("status");
        Assert.Equal("probe", status.GetProperty("pipeline").GetString());
        Assert.Equal("remote", status.GetProperty("stage").GetString());
        Assert.Equal("oauth-probe", status.GetProperty("type").GetString());
        Assert.True(status.GetProperty("signedIn").GetBoolean());
        Assert.Equal("user@example.test", status.GetProperty("account").GetString());
        Assert.True(status.GetProperty("canRefresh").GetBoolean());
        Assert.Equal("files.readwrite", status.GetProperty("scopes")[0].GetString());
        sandbox.AssertNoSecretIn(result.Output + result.Error, "auth login --device --json");
    }

    [Fact]
    public async Task Login_with_paste_reads_the_code_the_authority_shows_from_standard_input()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();

        await using var login = sandbox.Start("auth", "login", "probe/remote", "--paste");
        string line = await login.ErrorLineAsync(l => l.StartsWith("Open this address in a browser, sign in, and paste the code", StringComparison.Ordinal));
        string page = await AuthSandbox.BrowseAsync(AuthSandbox.AddressIn(line));
        await login.WriteLineAsync(page["Enter this code in the application: ".Length..].Trim());
        var result = await login.WaitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Signed in stage 'remote'", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_put_get_ls_logout_then_ls_fails_with_AuthorizationRequired_naming_the_login_command()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();
        var before = await sandbox.RunAsync("auth", "status", "--json");
        await sandbox.SignInAsync();

        var status = await sandbox.RunAsync("auth", "status");
        var put = await sandbox.RunAsync("put", "notes/a.txt", "-");
        var ls = await sandbox.RunAsync("ls", "--recursive");
        var get = await sandbox.RunAsync("get", "notes/a.txt");
        var logout = await sandbox.RunAsync("auth", "logout", "probe/remote");
        var statusAfter = await sandbox.RunAsync("auth", "status", "probe/remote", "--json");
        var lsAfter = await sandbox.RunAsync("ls");
        var logoutAgain = await sandbox.RunAsync("auth", "logout", "probe/remote", "--json");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.False(before.Json().GetProperty("stages")[0].GetProperty("signedIn").GetBoolean());
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"probe/remote\s+oauth-probe\s+signed in\s+user@example\.test\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+yes", status.Output);
        Assert.DoesNotContain("local/disk", status.Output, StringComparison.Ordinal);
        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Equal("notes/a.txt", ls.Output.Trim());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Contains("Signed out stage 'remote' (oauth-probe) of pipeline 'probe': its tokens were forgotten, and revoked at the service where it offers revocation", logout.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(sandbox.Secrets, s => s.StartsWith("refresh-", StringComparison.Ordinal) && sandbox.Authority.State.IsLive(s));
        Assert.Equal(5, statusAfter.ExitCode);
        Assert.False(statusAfter.Json().GetProperty("stages")[0].GetProperty("signedIn").GetBoolean());
        Assert.Equal(5, lsAfter.ExitCode);
        Assert.Contains("Stage 'remote' of pipeline 'probe' needs a sign-in", lsAfter.Error, StringComparison.Ordinal);
        Assert.Contains("Run `atomiton-storage auth login probe/remote`", lsAfter.Error, StringComparison.Ordinal);
        Assert.True(logoutAgain.ExitCode == 0, logoutAgain.ToString());
        Assert.False(logoutAgain.Json().GetProperty("signedOut").GetBoolean());
    }

    [Fact]
    public async Task A_call_after_the_access_token_was_revoked_refreshes_and_rotates_on_the_401()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();
        await sandbox.SignInAsync();
        await sandbox.RevokeAccessTokensAsync();

        var ls = await sandbox.RunAsync("ls");

        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Equal(1, sandbox.Authority.State.Refreshes);
        Assert.Single(sandbox.Secrets, s => s.StartsWith("refresh-", StringComparison.Ordinal) && sandbox.Authority.State.IsLive(s));
    }

    [Fact]
    public async Task A_revoked_refresh_token_gives_AuthorizationRequired_with_the_command_and_status_says_so()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();
        await sandbox.SignInAsync();
        await sandbox.RevokeAccessTokensAsync();
        sandbox.Authority.State.RevokeAllRefreshTokens();

        var ls = await sandbox.RunAsync("ls", "--json");
        var status = await sandbox.RunAsync("auth", "status");

        Assert.Equal(5, ls.ExitCode);
        var error = ls.ErrorJson().GetProperty("error");
        Assert.Equal("AuthorizationRequired", error.GetProperty("kind").GetString());
        Assert.Contains("the refresh token was revoked, expired or already used", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("atomiton-storage auth login probe/remote", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, status.ExitCode);
        Assert.Matches(@"probe/remote\s+oauth-probe\s+signed out", status.Output);
        Assert.Contains("atomiton-storage auth login probe/remote", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_consent_in_the_browser_exits_5_says_why_and_stores_nothing()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();

        await using var login = sandbox.Start("auth", "login", "probe/remote", "--no-browser");
        string line = await login.ErrorLineAsync(l => l.Contains("Waiting for the browser to come back to ", StringComparison.Ordinal));
        var listener = AuthSandbox.AddressIn(line);
        // The user clicks "deny": the authority redirects with error=access_denied (RFC 6749 §4.1.2.1).
        string page = await AuthSandbox.BrowseAsync(new Uri(listener, "?error=access_denied&error_description=The+user+denied+access"));
        var result = await login.WaitAsync();

        Assert.Contains("The sign-in was not completed", page, StringComparison.Ordinal);
        Assert.Equal(5, result.ExitCode);
        Assert.Contains("error: Stage 'remote' (oauth-probe) of pipeline 'probe': The sign-in did not complete: the authority answered 'access_denied': The user denied access.", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(sandbox.CredentialFolder, "probe", "remote.credentials")));
    }

    [Fact]
    public async Task A_device_sign_in_denied_on_the_other_device_exits_5()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();

        await using var login = sandbox.Start("auth", "login", "probe/remote", "--device");
        string line = await login.ErrorLineAsync(l => l.StartsWith("To sign in, open ", StringComparison.Ordinal));
        sandbox.Authority.State.Decide(AuthSandbox.UserCode(line), approve: false);
        var result = await login.WaitAsync();

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("the sign-in was denied on the other device", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_that_never_comes_back_times_out_with_a_clear_message()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();

        var result = await sandbox.RunAsync("auth", "login", "probe/remote", "--no-browser", "--timeout", "1");

        Assert.Equal(5, result.ExitCode);
        Assert.Matches(@"No browser came back to http://127\.0\.0\.1:\d+/ within 1 second; nothing was stored\. Run the command again, or sign in on another device with --device\.", result.Error);
    }

    [Fact]
    public async Task An_unreachable_authority_is_a_clear_error_naming_it()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();
        string address = sandbox.Authority.Address.ToString();
        await sandbox.Authority.DisposeAsync();

        var result = await sandbox.RunAsync("auth", "login", "probe/remote", "--device");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Stage 'remote' (oauth-probe) of pipeline 'probe': The authority at {address}device/code could not be reached", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("probe/remot", 3, "Pipeline 'probe' has no stage 'remot'. Did you mean 'remote'? Its stages: remote (oauth-probe); the ones that sign in: probe/remote.")]
    [InlineData("prob/remote", 3, "Unknown pipeline 'prob' in plugins.json. Did you mean 'probe'? Declared pipelines: local, photos, probe.")]
    [InlineData("local/disk", 2, "Stage 'disk' (type filesystem) of pipeline 'local' does not sign in")]
    [InlineData("probe", 2, "'probe' does not name a stage: write <pipeline>/<stage>, such as photos/drive.")]
    public async Task Login_of_a_wrong_target_names_what_exists(string target, int exitCode, string message)
    {
        await using var sandbox = await AuthSandbox.CreateAsync();

        var result = await sandbox.RunAsync("auth", "login", target);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
