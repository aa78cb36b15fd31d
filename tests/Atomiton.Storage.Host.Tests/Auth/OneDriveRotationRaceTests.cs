using System.Collections.Concurrent;
using Atomiton.Storage.Emulators.OneDrive;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>
/// As <see cref="AuthRotationRaceTests"/>, for the <c>onedrive</c> plugin: two host processes, each with its
/// own MSAL application over the one sealed credential file, refresh one rotating refresh token at once.
/// The emulator's authority holds both refresh requests until both have asked, then rotates the token on
/// the first and refuses the retired one on the second. Exactly one refresh wins; the loser re-reads the
/// stored MSAL cache and uses the winner's tokens; the stored refresh token is the live one.
/// </summary>
public sealed class OneDriveRotationRaceTests
{
    [Fact]
    public async Task Two_processes_refreshing_one_rotating_token_through_MSAL_lose_nothing()
    {
        var attempts = new ConcurrentQueue<string>();
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GraphDriveServer.StartAsync(new GraphDriveOptions
        {
            TimeProvider = time,
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
        using var sandbox = new OneDriveSandbox(server.GraphBaseUrl.ToString(), server.AuthorityHost.ToString(), server.AuthorityCertificateThumbprint);
        var signIn = await sandbox.SignInWithDeviceAsync();
        Assert.True(signIn.ExitCode == 0, signIn.ToString());
        string original = Assert.Single(server.OAuth.Secrets, s => s.StartsWith("refresh-", StringComparison.Ordinal));

        // Graph's clock passes the access token's expiry: both processes get a 401 and refresh.
        time.Advance(TimeSpan.FromHours(2));
        var results = await Task.WhenAll(sandbox.RunAsync("ls", "--verbose"), sandbox.RunAsync("ls", "--verbose"));

        Assert.All(results, result => Assert.True(result.ExitCode == 0, result.ToString()));
        Assert.Equal([original, original], attempts.ToArray());
        Assert.Equal(1, server.OAuth.Refreshes);
        Assert.False(server.OAuth.IsLive(original));
        string winner = Assert.Single(server.OAuth.Secrets, s => s.StartsWith("refresh-", StringComparison.Ordinal) && server.OAuth.IsLive(s));

        // The stored refresh token is the winner's: the next refresh uses it and succeeds.
        time.Advance(TimeSpan.FromHours(2));
        var after = await sandbox.RunAsync("ls");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(winner, attempts.Last());
        Assert.Equal(2, server.OAuth.Refreshes);
    }
}
