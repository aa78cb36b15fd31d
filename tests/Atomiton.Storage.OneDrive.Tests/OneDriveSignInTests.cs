using Atomiton.Storage.Testing;
using System.Text.Json;
using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.OneDrive;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>
/// Sign-in through <see cref="IStorageSignInProvider"/> with MSAL against the emulator's https Microsoft
/// identity platform endpoints (<c>https://127.0.0.1:&lt;port&gt;/consumers/oauth2/v2.0/…</c>, self-signed
/// certificate pinned by the stage): MSAL's token cache lands in the stage's credential store and the
/// engine uses it; refresh ahead of expiry and after a 401; a refresh race between two MSAL applications
/// over one store; a revoked refresh token, refused consent and a missing sign-in are AuthorizationRequired.
/// </summary>
public sealed class OneDriveSignInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private GraphDriveServer _server = null!;

    public async Task InitializeAsync() => _server = await GraphDriveServer.StartAsync(new GraphDriveOptions { TimeProvider = _time });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OneDriveOptions Options() => Options(_server);

    private static OneDriveOptions Options(GraphDriveServer server) => new()
    {
        ClientId = "test-client",
        GraphBaseUrl = server.GraphBaseUrl.ToString(),
        AuthorityHost = server.AuthorityHost.ToString(),
        AuthorityCertificateThumbprint = server.AuthorityCertificateThumbprint,
    };

    private static StorageProviderContext Context(MemoryCredentialStore store, IStorageAuthorizationPrompt? prompt = null) =>
        // MSAL judges expiry on the real clock, so the engines do too; the emulator's own clock is the test's.
        new() { PipelineName = "photos", StageName = "drive", Credentials = store, AuthorizationPrompt = prompt };

    private EmulatorUserPrompt User(bool approve = true) => new(_server.AuthorityCertificateThumbprint, approve);

    [Theory]
    [InlineData(StorageSignInFlow.DeviceCode)]
    [InlineData(StorageSignInFlow.Browser)]
    public async Task Sign_in_through_MSAL_stores_its_token_cache_which_the_engine_then_uses(StorageSignInFlow flow)
    {
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();
        var user = User();

        var status = await provider.SignInAsync(Options(), Context(store, user), flow);

        Assert.True(status.SignedIn);
        Assert.True(status.CanRefresh);
        Assert.Equal("user@example.test", status.Account);
        Assert.Contains("Files.ReadWrite.AppFolder", status.Scopes);
        Assert.Equal(new Uri(_server.AuthorityHost, "consumers/"), status.Authority);
        if (flow == StorageSignInFlow.Browser)
        {
            // MSAL built the address: PKCE S256, state, and the host's loopback redirect.
            string opened = Assert.Single(user.Opened).ToString();
            Assert.StartsWith(new Uri(_server.AuthorityHost, "consumers/oauth2/v2.0/authorize").ToString(), opened, StringComparison.Ordinal);
            Assert.Contains("code_challenge_method=S256", opened, StringComparison.Ordinal);
            Assert.Contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A", opened, StringComparison.Ordinal);
        }
        else
        {
            Assert.Single(user.Shown);
        }

        await using var engine = await provider.CreateAsync(Options(), Context(store));
        await engine.SaveAsync("signed/in.txt", new MemoryStream("hello"u8.ToArray()));
        Assert.Equal("hello"u8.ToArray(), await engine.LoadBytesAsync("signed/in.txt"));
        Assert.Equal(["refresh"], RefreshTokensIn(store).Select(t => t[..7]).ToArray());
        Assert.DoesNotContain(_server.OAuth.Secrets, secret => status.ToString().Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Denied_device_code_is_AuthorizationRequired_and_stores_nothing()
    {
        var store = new MemoryCredentialStore();

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await new OneDriveProvider().SignInAsync(Options(), Context(store, User(approve: false)), StorageSignInFlow.DeviceCode));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("authorization_declined", error.Message, StringComparison.Ordinal);
        Assert.Contains("auth login photos/drive", error.Message, StringComparison.Ordinal);
        Assert.Empty(store.Values());
    }

    [Fact]
    public async Task An_authority_whose_certificate_is_not_the_pinned_one_is_refused_before_any_request()
    {
        var store = new MemoryCredentialStore();
        var options = Options();
        options.AuthorityCertificateThumbprint = new string('A', 64);

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await new OneDriveProvider().SignInAsync(options, Context(store, User()), StorageSignInFlow.DeviceCode));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("did not present the certificate pinned by authorityCertificateThumbprint", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, r => r.Target.Contains("/oauth2/", StringComparison.Ordinal));
        Assert.Empty(store.Values());
    }

    [Fact]
    public void A_pinned_certificate_is_refused_for_an_authority_that_is_not_loopback()
    {
        var options = Options();
        options.AuthorityHost = "https://login.microsoftonline.com/";

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(OneDriveOptions.AuthorityCertificateThumbprint)) && e.ErrorMessage!.Contains("loopback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stage_that_never_signed_in_is_AuthorizationRequired_naming_the_command()
    {
        var error = await Assert.ThrowsAsync<StorageException>(async () => await new OneDriveProvider().CreateAsync(Options(), Context(new MemoryCredentialStore())));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("auth login photos/drive", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, r => r.Target.StartsWith("/v1.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_401_refreshes_once_and_the_rotated_refresh_token_is_written_back()
    {
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();
        await provider.SignInAsync(Options(), Context(store, User()), StorageSignInFlow.DeviceCode);
        await using var engine = await provider.CreateAsync(Options(), Context(store));
        await engine.SaveAsync("r/a.txt", new MemoryStream([1, 2, 3]));
        string before = Assert.Single(RefreshTokensIn(store));

        // The service's clock passes the access token's expiry while MSAL still holds it valid: Graph answers 401.
        _time.Advance(TimeSpan.FromHours(2));
        var item = await engine.StatAsync("r/a.txt");

        Assert.Equal(3, item.Size);
        Assert.Equal(1, _server.OAuth.Refreshes);
        Assert.Single(_server.Requests, r => r.Status == 401);
        string after = Assert.Single(RefreshTokensIn(store));
        Assert.NotEqual(before, after);
        Assert.True(_server.OAuth.IsLive(after));
        Assert.False(_server.OAuth.IsLive(before));
    }

    [Fact]
    public async Task An_access_token_close_to_expiry_is_refreshed_before_it_is_sent()
    {
        await using var server = await GraphDriveServer.StartAsync(new GraphDriveOptions { AccessTokenLifetime = TimeSpan.FromMinutes(4) });
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();
        await provider.SignInAsync(Options(server), Context(store, new EmulatorUserPrompt(server.AuthorityCertificateThumbprint)), StorageSignInFlow.DeviceCode);

        // Four minutes left is inside the five-minute margin (MSAL's): the engine refreshes before its first call.
        await using var engine = await provider.CreateAsync(Options(server), Context(store));
        await engine.SaveAsync("p/a.txt", new MemoryStream([1]));

        Assert.True(server.OAuth.Refreshes >= 1);
        Assert.DoesNotContain(server.Requests, r => r.Status == 401);
        Assert.True(server.OAuth.IsLive(Assert.Single(RefreshTokensIn(store))));
    }

    [Fact]
    public async Task Two_engines_with_separate_MSAL_applications_race_one_rotating_refresh_token_and_lose_nothing()
    {
        // Both refreshes are held at the authority until both have asked: exactly one can win the rotation.
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int asked = 0;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GraphDriveServer.StartAsync(new GraphDriveOptions
        {
            TimeProvider = time,
            BeforeRefresh = async _ =>
            {
                if (Interlocked.Increment(ref asked) <= 2)
                {
                    if (asked == 2)
                    {
                        bothAsked.TrySetResult();
                    }

                    await bothAsked.Task.WaitAsync(TimeSpan.FromMinutes(5));
                }
            },
        });
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();
        await provider.SignInAsync(Options(server), Context(store, new EmulatorUserPrompt(server.AuthorityCertificateThumbprint)), StorageSignInFlow.DeviceCode);
        await using var first = await provider.CreateAsync(Options(server), Context(store));
        await using var second = await provider.CreateAsync(Options(server), Context(store));
        await first.SaveAsync("race/a.txt", new MemoryStream([1, 2]));
        string signedIn = Assert.Single(RefreshTokensIn(store));

        time.Advance(TimeSpan.FromHours(2)); // both engines' access token is now refused by Graph
        var stats = await Task.WhenAll(first.StatAsync("race/a.txt").AsTask(), second.StatAsync("race/a.txt").AsTask());

        Assert.All(stats, s => Assert.Equal(2, s.Size));
        Assert.Equal(2, asked);
        Assert.Equal(1, server.OAuth.Refreshes); // one refresh won; the other was refused and re-read the winner's tokens
        string stored = Assert.Single(RefreshTokensIn(store));
        Assert.NotEqual(signedIn, stored);
        Assert.True(server.OAuth.IsLive(stored));

        // Nothing was lost: a third engine refreshes with what is stored.
        time.Advance(TimeSpan.FromHours(2));
        await using var third = await provider.CreateAsync(Options(server), Context(store));
        Assert.Equal(2, (await third.StatAsync("race/a.txt")).Size);
        Assert.Equal(2, server.OAuth.Refreshes);
    }

    [Fact]
    public async Task A_revoked_refresh_token_is_AuthorizationRequired_with_the_command_and_status_says_so()
    {
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();
        await provider.SignInAsync(Options(), Context(store, User()), StorageSignInFlow.DeviceCode);
        await using var engine = await provider.CreateAsync(Options(), Context(store));
        await engine.SaveAsync("v/a.txt", new MemoryStream([1]));

        _server.OAuth.RevokeAllRefreshTokens();
        _time.Advance(TimeSpan.FromHours(2));
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("v/a.txt"));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("Stage 'drive' of pipeline 'photos'", error.Message, StringComparison.Ordinal);
        Assert.Contains("atomiton-storage auth login photos/drive", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.OAuth.Secrets, secret => error.ToString().Contains(secret, StringComparison.Ordinal));
        Assert.Equal(0, _server.OAuth.Refreshes);
    }

    [Fact]
    public async Task Sign_out_removes_the_account_and_forgets_the_stored_cache()
    {
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();
        await provider.SignInAsync(Options(), Context(store, User()), StorageSignInFlow.DeviceCode);

        Assert.True(await provider.SignOutAsync(Options(), Context(store)));

        Assert.Empty(store.Values());
        Assert.False((await provider.GetSignInStatusAsync(Options(), Context(store))).SignedIn);
        Assert.False(await provider.SignOutAsync(Options(), Context(store)));
        var error = await Assert.ThrowsAsync<StorageException>(async () => await provider.CreateAsync(Options(), Context(store)));
        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
    }

    /// <summary>The refresh tokens in the stored MSAL cache (its schema keeps them under <c>RefreshToken</c>, each with its <c>secret</c>).</summary>
    private static List<string> RefreshTokensIn(MemoryCredentialStore store)
    {
        using var cache = JsonDocument.Parse(Assert.Single(store.Values()));
        return [.. cache.RootElement.GetProperty("RefreshToken").EnumerateObject().Select(t => t.Value.GetProperty("secret").GetString()!)];
    }
}
