using Atomiton.Storage.Hosting.Credentials;
using Atomiton.Storage.Hosting.Tests.Support;
using Atomiton.Storage.OAuth;
using Atomiton.Storage.Emulators.OAuth;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.OAuth;

/// <summary>Each sign-in flow and the refresh rules, end to end against the loopback authority, with tokens kept in the encrypted credential folder.</summary>
public sealed class OAuthFlowTests : IAsyncLifetime
{
    private const string ClientSecret = "client-SECRET-42";
    private readonly TempDirectory _temp = new();
    private readonly SteppingTimeProvider _time = new();
    private readonly HttpClient _http = new();
    private readonly List<string> _logged = [];
    private LoopbackOAuthAuthority _authority = null!;

    public async Task InitializeAsync() =>
        _authority = await LoopbackOAuthAuthority.StartAsync(new LoopbackOAuthAuthorityOptions { ClientSecret = ClientSecret, TimeProvider = _time });

    public async Task DisposeAsync()
    {
        await _authority.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private OAuthEndpoints Endpoints => new()
    {
        AuthorizationEndpoint = _authority.AuthorizeEndpoint,
        TokenEndpoint = _authority.TokenEndpoint,
        DeviceAuthorizationEndpoint = _authority.DeviceEndpoint,
        RevocationEndpoint = _authority.RevokeEndpoint,
        ClientId = "test-client",
        ClientSecret = ClientSecret,
        Scopes = ["files.read", "offline_access"],
    };

    private OAuthSession Session(PlayedUser? user = null, TimeProvider? time = null)
    {
        var context = new StorageProviderContext
        {
            PipelineName = "photos",
            StageName = "drive",
            TimeProvider = time ?? _time,
            Credentials = new FileCredentialStore(_temp.Combine("credentials"), _temp.Combine("credentials.key"), "photos", "drive"),
            AuthorizationPrompt = user,
            Logger = new ListLogger(_logged),
        };
        return new OAuthSession(new OAuthClient(_http, Endpoints, time ?? _time), context, "acme");
    }

    private async Task<bool> ResourceAccepts(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _authority.ResourceEndpoint);
        request.Headers.Authorization = new("Bearer", accessToken);
        using var response = await _http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    [Fact]
    public async Task Browser_sign_in_with_PKCE_stores_tokens_the_resource_accepts()
    {
        using var session = Session(new PlayedUser());

        var tokens = await session.SignInAsync(OAuthFlow.Browser);

        Assert.True(await ResourceAccepts(await session.GetAccessTokenAsync()));
        Assert.Equal(tokens.AccessToken, await session.GetAccessTokenAsync());
        Assert.True(_authority.State.IsLive(tokens.RefreshToken!));
    }

    [Fact]
    public async Task Browser_redirect_with_another_state_is_refused_and_nothing_stored()
    {
        using var session = Session(new PlayedUser { TamperRedirect = uri => new Uri(uri.ToString().Replace("state=", "state=forged", StringComparison.Ordinal)) });

        var error = await Assert.ThrowsAsync<StorageException>(async () => await session.SignInAsync(OAuthFlow.Browser));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Contains("state does not match", error.Message, StringComparison.Ordinal);
        Assert.Null(await session.PeekAsync());
    }

    [Fact]
    public async Task Pasted_code_sign_in_works_without_a_redirect()
    {
        using var session = Session(new PlayedUser());

        await session.SignInAsync(OAuthFlow.PastedCode);

        Assert.True(await ResourceAccepts(await session.GetAccessTokenAsync()));
    }

    [Fact]
    public async Task Device_sign_in_polls_until_the_user_approves_at_the_authority()
    {
        var user = new PlayedUser();
        _time.OnWait = wait =>
        {
            if (wait == 2)
            {
                Assert.True(_authority.State.Decide(user.UserCode!, approve: true));
            }
        };
        using var session = Session(user);

        await session.SignInAsync(OAuthFlow.DeviceCode);

        Assert.Equal([ "authorization_pending", null ], _authority.State.DevicePolls.Select(p => p.Error));
        Assert.Contains(user.Shown, s => s.Contains("enter " + user.UserCode, StringComparison.Ordinal));
        Assert.True(await ResourceAccepts(await session.GetAccessTokenAsync()));
    }

    [Fact]
    public async Task Device_sign_in_waits_five_seconds_longer_after_slow_down()
    {
        var user = new PlayedUser();
        // The first two waits return early (as a suspended machine's might), so the authority says slow_down.
        _time.Step = due => _authority.State.DevicePolls.Count < 2 ? TimeSpan.FromSeconds(1) : due;
        _time.OnWait = wait =>
        {
            if (wait == 3)
            {
                _authority.State.Decide(user.UserCode!, approve: true);
            }
        };
        using var session = Session(user);

        await session.SignInAsync(OAuthFlow.DeviceCode);

        var polls = _authority.State.DevicePolls;
        Assert.Equal([ "authorization_pending", "slow_down", null ], polls.Select(p => p.Error));
        Assert.Equal(TimeSpan.FromSeconds(10), polls[2].At - polls[1].At);
    }

    [Fact]
    public async Task Device_sign_in_denied_is_AuthenticationFailed()
    {
        var user = new PlayedUser();
        _time.OnWait = _ => _authority.State.Decide(user.UserCode!, approve: false);
        using var session = Session(user);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await session.SignInAsync(OAuthFlow.DeviceCode));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Contains("denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Device_code_that_expires_unapproved_is_reported()
    {
        using var session = Session(new PlayedUser());

        var error = await Assert.ThrowsAsync<StorageException>(async () => await session.SignInAsync(OAuthFlow.DeviceCode));

        Assert.Contains("expired before it was approved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_token_is_refreshed_before_it_expires_and_the_rotated_refresh_token_stored()
    {
        using var session = Session(new PlayedUser());
        var first = await session.SignInAsync(OAuthFlow.Browser);

        _time.Advance(TimeSpan.FromMinutes(56)); // within five minutes of the hour's expiry
        string access = await session.GetAccessTokenAsync();

        Assert.NotEqual(first.AccessToken, access);
        Assert.Equal(1, _authority.State.Refreshes);
        var stored = await session.PeekAsync();
        Assert.False(_authority.State.IsLive(first.RefreshToken!));
        Assert.True(_authority.State.IsLive(stored!.RefreshToken!));
    }

    [Fact]
    public async Task After_a_401_the_token_is_refreshed_once()
    {
        using var session = Session(new PlayedUser());
        var first = await session.SignInAsync(OAuthFlow.Browser);

        string renewed = await session.InvalidateAsync(first.AccessToken);

        Assert.NotEqual(first.AccessToken, renewed);
        Assert.True(await ResourceAccepts(renewed));
        Assert.Equal(1, _authority.State.Refreshes);
    }

    [Fact]
    public async Task Racing_refreshes_from_separate_sessions_let_one_win_and_lose_no_token()
    {
        using (var signIn = Session(new PlayedUser()))
        {
            await signIn.SignInAsync(OAuthFlow.Browser);
        }

        // Each session has its own store instance and refresh gate, as separate processes do. On the
        // real clock the signed-in tokens (issued on the test clock, in January) are expired, and the
        // real clock paces a loser's re-reads while the winner writes.
        var sessions = Enumerable.Range(0, 4).Select(_ => Session(time: TimeProvider.System)).ToList();
        string[] tokens = await Task.WhenAll(sessions.Select(s => Task.Run(async () => await s.GetAccessTokenAsync())));

        var stored = await sessions[0].PeekAsync();
        Assert.All(tokens, t => Assert.Contains(t, _authority.State.Secrets));
        Assert.True(_authority.State.IsLive(stored!.RefreshToken!), "the stored refresh token must be the live one");
        Assert.Contains(stored.AccessToken, tokens);
        foreach (var session in sessions)
        {
            session.Dispose();
        }
    }

    [Fact]
    public async Task Revoked_refresh_token_gives_AuthorizationRequired_with_the_command()
    {
        using var session = Session(new PlayedUser());
        await session.SignInAsync(OAuthFlow.Browser);
        _authority.State.RevokeAllRefreshTokens();
        _time.Advance(TimeSpan.FromHours(2));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await session.GetAccessTokenAsync());

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("`atomiton-storage auth login photos/drive`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Never_signed_in_gives_AuthorizationRequired()
    {
        using var session = Session();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await session.GetAccessTokenAsync());

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("never signed in", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_revokes_at_the_authority_and_forgets_the_tokens()
    {
        using var session = Session(new PlayedUser());
        var tokens = await session.SignInAsync(OAuthFlow.Browser);

        Assert.True(await session.SignOutAsync());

        Assert.False(_authority.State.IsLive(tokens.RefreshToken!));
        Assert.False(await ResourceAccepts(tokens.AccessToken));
        Assert.Null(await session.PeekAsync());
        Assert.False(await session.SignOutAsync());
    }

    [Fact]
    public async Task No_error_message_log_line_or_ToString_carries_a_token_or_the_client_secret()
    {
        var seen = new List<string>();
        using var session = Session(new PlayedUser());
        var tokens = await session.SignInAsync(OAuthFlow.Browser);
        seen.Add(tokens.ToString());
        seen.Add(Endpoints.ToString());
        var stored = await new FileCredentialStore(_temp.Combine("credentials"), _temp.Combine("credentials.key"), "photos", "drive").ReadAsync(OAuthSession.CredentialName);
        seen.Add(stored!.ToString());
        _authority.State.RevokeAllRefreshTokens();
        _time.Advance(TimeSpan.FromHours(2));
        seen.Add((await Assert.ThrowsAsync<StorageException>(async () => await session.GetAccessTokenAsync())).ToString());
        using var tampered = Session(new PlayedUser { TamperRedirect = uri => new Uri(uri + "&error=access_denied") });
        seen.Add((await Assert.ThrowsAsync<StorageException>(async () => await tampered.SignInAsync(OAuthFlow.Browser))).ToString());
        seen.AddRange(_logged);

        var secrets = _authority.State.Secrets;
        Assert.Contains(ClientSecret, secrets);
        Assert.All(seen, text => Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.Ordinal)));
    }

    private sealed class ListLogger(List<string> lines) : IStorageLogger
    {
        public bool IsEnabled(StorageLogLevel level) => true;

        public void Log(StorageLogLevel level, string message, Exception? exception = null)
        {
            lock (lines)
            {
                lines.Add(message + exception);
            }
        }
    }
}
