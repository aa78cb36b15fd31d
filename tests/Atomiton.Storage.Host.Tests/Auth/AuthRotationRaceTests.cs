using System.Collections.Concurrent;
using Atomiton.Storage.Emulators.OAuth;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>
/// Two host processes refresh one rotating refresh token at once: the authority holds both refresh
/// requests until both have asked, then answers them one after the other, rotating the token on the
/// first and refusing the retired one on the second. Exactly one refresh wins; the loser re-reads the
/// store and uses the winner's tokens; both end authorized and the stored refresh token is the live one.
/// </summary>
public sealed class AuthRotationRaceTests
{
    [Fact]
    public async Task Two_processes_refreshing_one_rotating_token_lose_nothing()
    {
        var attempts = new ConcurrentQueue<string>();
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sandbox = await AuthSandbox.CreateAsync(new LoopbackOAuthAuthorityOptions
        {
            ClientSecret = AuthSandbox.ClientSecret,
            DeviceInterval = 1,
            RotateRefreshTokens = true,
            BeforeRefresh = async token =>
            {
                attempts.Enqueue(token);
                if (attempts.Count >= 2)
                {
                    bothAsked.TrySetResult();
                }

                // A hang guard, not a verdict: if the second process never asks, the assertions below say so.
                await Task.WhenAny(bothAsked.Task, Task.Delay(TimeSpan.FromMinutes(2)));
            },
        });
        await sandbox.SignInAsync();
        string original = Assert.Single(sandbox.Secrets, s => s.StartsWith("refresh-", StringComparison.Ordinal));
        await sandbox.RevokeAccessTokensAsync();

        var first = sandbox.RunAsync("ls", "--verbose");
        var second = sandbox.RunAsync("ls", "--verbose");
        var results = await Task.WhenAll(first, second);

        Assert.All(results, result => Assert.True(result.ExitCode == 0, result.ToString()));
        Assert.Equal([original, original], attempts.ToArray());
        Assert.Equal(1, sandbox.Authority.State.Refreshes);
        Assert.False(sandbox.Authority.State.IsLive(original));
        string winner = Assert.Single(sandbox.Secrets, s => s.StartsWith("refresh-", StringComparison.Ordinal) && sandbox.Authority.State.IsLive(s));

        // The stored refresh token is the winner's: the next refresh uses it and succeeds.
        await sandbox.RevokeAccessTokensAsync();
        var after = await sandbox.RunAsync("ls");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(winner, attempts.Last());
        Assert.Equal(2, sandbox.Authority.State.Refreshes);
    }
}
