using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>
/// No token or client secret ever shows: every auth command, and put/get/ls through a signed-in stage,
/// with --verbose and with --json, and every failure path (refused consent, revoked refresh token,
/// tampered store, unknown stage), grepped for every secret the authority issued or knows: zero hits.
/// </summary>
public sealed class AuthSecretsTests
{
    [Fact]
    public async Task No_command_or_failure_prints_a_token_or_the_client_secret()
    {
        await using var sandbox = await AuthSandbox.CreateAsync();
        var outputs = new List<(string What, CliResult Result)>();
        async Task Run(params string[] arguments)
        {
            // --json --verbose prints all that --json does, plus each error's detail (its exception, in full).
            foreach (string[] mode in new[] { new[] { "--verbose" }, ["--json", "--verbose"] })
            {
                outputs.Add((string.Join(' ', arguments.Concat(mode)), await sandbox.RunAsync([.. arguments, .. mode])));
            }
        }

        await Run("auth", "status");
        await SignInVerboseAsync(sandbox, outputs, "--verbose");
        await SignInVerboseAsync(sandbox, outputs, "--json");
        await Run("auth", "status");
        await Run("auth", "status", "probe/remote");
        await Run("put", "a.txt", "-");
        await Run("get", "a.txt");
        await Run("ls");
        await sandbox.RevokeAccessTokensAsync();
        await Run("ls"); // refreshes on the 401, rotating the refresh token
        await Run("auth", "login", "probe/nope");
        await Run("auth", "login", "local/disk");

        // Refused consent in the browser.
        foreach (string mode in new[] { "--verbose", "--json" })
        {
            await using var login = sandbox.Start("auth", "login", "probe/remote", "--no-browser", mode);
            string line = await login.ErrorLineAsync(l => l.Contains("Waiting for the browser to come back to ", StringComparison.Ordinal));
            await AuthSandbox.BrowseAsync(new Uri(AuthSandbox.AddressIn(line), "?error=access_denied"));
            outputs.Add(($"auth login (refused) {mode}", await login.WaitAsync()));
        }

        // A revoked refresh token.
        await sandbox.RevokeAccessTokensAsync();
        sandbox.Authority.State.RevokeAllRefreshTokens();
        await Run("ls");
        await Run("auth", "status");
        await Run("auth", "logout", "probe/remote");

        // A tampered store.
        await SignInVerboseAsync(sandbox, outputs, "--verbose");
        string file = Path.Combine(sandbox.CredentialFolder, "probe", "remote.credentials");
        byte[] sealedBytes = await File.ReadAllBytesAsync(file);
        sealedBytes[^5] ^= 0x40;
        await File.WriteAllBytesAsync(file, sealedBytes);
        await Run("ls");
        await Run("auth", "status");
        await Run("auth", "logout", "probe/remote");

        Assert.Contains(outputs, o => o.What.StartsWith("ls", StringComparison.Ordinal) && o.Result.ExitCode == 5);
        Assert.Contains(outputs, o => o.Result.Error.Contains("Integrity", StringComparison.Ordinal) || o.Result.Error.Contains("altered", StringComparison.Ordinal));
        Assert.True(sandbox.Secrets.Count(s => s.StartsWith("refresh-", StringComparison.Ordinal)) >= 4, "the run should have seen several refresh tokens");
        Assert.Contains(AuthSandbox.ClientSecret, sandbox.Secrets);
        foreach (var (what, result) in outputs)
        {
            sandbox.AssertNoSecretIn(result.Output + "\n" + result.Error, what);
        }
    }

    private static async Task SignInVerboseAsync(AuthSandbox sandbox, List<(string, CliResult)> outputs, string mode)
    {
        await using var login = sandbox.Start("auth", "login", "probe/remote", "--device", mode);
        string line = await login.ErrorLineAsync(l => l.StartsWith("To sign in, open ", StringComparison.Ordinal));
        Assert.True(sandbox.Authority.State.Decide(AuthSandbox.UserCode(line), approve: true));
        var result = await login.WaitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        outputs.Add(($"auth login --device {mode}", result));
    }
}
