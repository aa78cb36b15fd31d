using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>
/// As <see cref="AuthSecretsTests"/>, for the <c>onedrive</c> plugin's MSAL sign-in against the Graph drive
/// emulator (its https authority in this process, so every token it issued is known): every auth command
/// (device code and browser sign-in),
/// put/get/ls, the refresh after a 401, refused consent, a revoked refresh token and a tampered store, with
/// --verbose and with --json, show none of them; and the stored token cache is sealed at rest.
/// </summary>
public sealed class OneDriveAuthSecretsTests
{
    [Fact]
    public async Task No_onedrive_command_or_failure_prints_a_token_and_the_stored_cache_is_sealed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GraphDriveServer.StartAsync(new GraphDriveOptions { TimeProvider = time });
        using var sandbox = new OneDriveSandbox(server.GraphBaseUrl.ToString(), server.AuthorityHost.ToString(), server.AuthorityCertificateThumbprint);
        var outputs = new List<(string What, CliResult Result)>();
        async Task Run(params string[] arguments)
        {
            foreach (string[] mode in new[] { new[] { "--verbose" }, ["--json", "--verbose"] })
            {
                outputs.Add((string.Join(' ', arguments.Concat(mode)), await sandbox.RunAsync([.. arguments, .. mode])));
            }
        }

        async Task SignIn(string mode, bool approve = true)
        {
            var result = await sandbox.SignInWithDeviceAsync(approve, "auth", "login", "photos/onedrive", "--device", mode);
            Assert.True(approve == (result.ExitCode == 0), result.ToString());
            outputs.Add(($"auth login --device {mode} (approve: {approve})", result));
        }

        await Run("auth", "status");
        await SignIn("--verbose");
        var browserSignIn = await sandbox.SignInWithBrowserAsync("--verbose");
        Assert.True(browserSignIn.ExitCode == 0, browserSignIn.ToString());
        outputs.Add(("auth login --no-browser --verbose", browserSignIn));
        await SignIn("--json");
        byte[] sealedCache = await File.ReadAllBytesAsync(sandbox.CredentialFile);
        await Run("auth", "status", "photos/onedrive");
        await File.WriteAllTextAsync(sandbox.PathOf("note.txt"), "hello");
        await Run("put", "a.txt", "note.txt");
        await Run("get", "a.txt");
        await Run("ls");
        time.Advance(TimeSpan.FromHours(2));
        await Run("ls"); // Graph refuses the access token: MSAL refreshes, rotating the refresh token
        Assert.True(server.OAuth.Refreshes >= 1);
        await SignIn("--verbose", approve: false);

        // A revoked refresh token.
        server.OAuth.RevokeAllRefreshTokens();
        time.Advance(TimeSpan.FromHours(2));
        await Run("ls");
        await Run("auth", "status");
        await Run("auth", "logout", "photos/onedrive");

        // A tampered store.
        await SignIn("--verbose");
        byte[] bytes = await File.ReadAllBytesAsync(sandbox.CredentialFile);
        bytes[^5] ^= 0x40;
        await File.WriteAllBytesAsync(sandbox.CredentialFile, bytes);
        await Run("ls");
        await Run("auth", "status");
        await Run("auth", "logout", "photos/onedrive");

        Assert.Contains(outputs, o => o.What.StartsWith("ls", StringComparison.Ordinal) && o.Result.ExitCode != 0 && o.Result.Error.Contains("atomiton-storage auth login photos/onedrive", StringComparison.Ordinal));
        Assert.True(server.OAuth.Secrets.Count(s => s.StartsWith("refresh-", StringComparison.Ordinal)) >= 4, "the run should have seen several refresh tokens");
        string atRest = System.Text.Encoding.Latin1.GetString(sealedCache);
        Assert.DoesNotContain("RefreshToken", atRest, StringComparison.Ordinal);
        foreach (string secret in server.OAuth.Secrets)
        {
            Assert.False(atRest.Contains(secret, StringComparison.Ordinal), $"The credential file holds a token in the clear ({secret[..8]}…).");
            foreach (var (what, result) in outputs)
            {
                Assert.False((result.Output + result.Error).Contains(secret, StringComparison.Ordinal), $"{what} printed a token the authority issued ({secret[..8]}…):\n{result}");
            }
        }
    }
}
