using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.OneDrive;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>
/// Sign-in through <see cref="IStorageSignInProvider"/> against the emulator's Microsoft identity platform v2.0
/// endpoints (<c>/consumers/oauth2/v2.0/devicecode|token|authorize</c>): tokens land in the stage's credential
/// store and the engine uses them; refused consent and a missing sign-in are AuthorizationRequired.
/// </summary>
public sealed class OneDriveSignInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private GraphDriveServer _server = null!;

    public async Task InitializeAsync() => _server = await GraphDriveServer.StartAsync(new GraphDriveOptions { TimeProvider = _time });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OneDriveOptions Options() => new()
    {
        ClientId = "test-client",
        GraphBaseUrl = _server.GraphBaseUrl.ToString(),
        AuthorityHost = _server.AuthorityHost.ToString(),
    };

    private StorageProviderContext Context(MemoryCredentialStore store, IStorageAuthorizationPrompt? prompt = null) =>
        // A sign-in polls the device endpoint on the real clock; the engine afterwards runs on the test's clock.
        new() { PipelineName = "photos", StageName = "drive", Credentials = store, AuthorizationPrompt = prompt, TimeProvider = prompt is null ? _time : TimeProvider.System };

    [Theory]
    [InlineData(StorageSignInFlow.DeviceCode)]
    [InlineData(StorageSignInFlow.Browser)]
    public async Task Sign_in_stores_tokens_that_the_engine_then_uses(StorageSignInFlow flow)
    {
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();

        var status = await provider.SignInAsync(Options(), Context(store, new EmulatorUserPrompt()), flow);

        Assert.True(status.SignedIn);
        Assert.True(status.CanRefresh);
        Assert.Contains("Files.ReadWrite.AppFolder", status.Scopes);
        Assert.Equal(new Uri(_server.AuthorityHost, "consumers/oauth2/v2.0/"), status.Authority);
        await using var engine = await provider.CreateAsync(Options(), Context(store));
        await engine.SaveAsync("signed/in.txt", new MemoryStream("hello"u8.ToArray()));
        Assert.Equal("hello"u8.ToArray(), await engine.LoadBytesAsync("signed/in.txt"));
        Assert.DoesNotContain(_server.OAuth.Secrets, secret => status.ToString().Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Denied_device_code_is_AuthorizationRequired_and_stores_nothing()
    {
        var store = new MemoryCredentialStore();

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await new OneDriveProvider().SignInAsync(Options(), Context(store, new EmulatorUserPrompt(approve: false)), StorageSignInFlow.DeviceCode));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("denied", error.Message, StringComparison.Ordinal);
        Assert.Contains("auth login photos/drive", error.Message, StringComparison.Ordinal);
        Assert.Empty(store.Values());
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
    public async Task Expired_access_token_is_refreshed_and_the_rotated_refresh_token_written_back()
    {
        var provider = new OneDriveProvider();
        var store = new MemoryCredentialStore();
        await provider.SignInAsync(Options(), Context(store, new EmulatorUserPrompt()), StorageSignInFlow.DeviceCode);
        await using var engine = await provider.CreateAsync(Options(), Context(store));
        await engine.SaveAsync("r/a.txt", new MemoryStream([1, 2, 3]));
        int writes = store.Writes;

        _time.Advance(TimeSpan.FromHours(2));
        var item = await engine.StatAsync("r/a.txt");

        Assert.Equal(3, item.Size);
        Assert.Equal(1, _server.OAuth.Refreshes);
        Assert.Equal(writes + 1, store.Writes);
        var status = await provider.GetSignInStatusAsync(Options(), Context(store));
        Assert.True(status.SignedIn);
        Assert.True(status.AccessTokenExpiresAt > _time.GetUtcNow());
        Assert.True(await provider.SignOutAsync(Options(), Context(store)));
        Assert.False((await provider.GetSignInStatusAsync(Options(), Context(store))).SignedIn);
    }
}
