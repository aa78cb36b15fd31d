using System.Net.Http.Headers;
using Atomiton.Storage.OAuth;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>Dropbox sign-in through the provider (what <c>auth login|status|logout</c> call): PKCE with token_access_type=offline, in a browser or by a pasted code.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private DropboxTestServer _server = null!;

    public async Task InitializeAsync() => _server = await DropboxTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(StorageSignInFlow.Browser)]
    [InlineData(StorageSignInFlow.PastedCode)]
    public async Task Signing_in_stores_a_refreshable_sign_in_that_the_engine_uses(StorageSignInFlow flow)
    {
        var provider = new DropboxProvider();
        var user = new PlayedUser();
        var options = _server.Options();

        var status = await provider.SignInAsync(options, _server.Context(user), flow);

        Assert.True(status.SignedIn);
        Assert.True(status.CanRefresh);
        Assert.Equal("user@example.test", status.Account);
        var opened = Assert.Single(user.Opened).ToString();
        Assert.Contains("token_access_type=offline", opened, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", opened, StringComparison.Ordinal);
        Assert.Equal(flow == StorageSignInFlow.Browser, opened.Contains("redirect_uri=", StringComparison.Ordinal));

        await using var engine = (IStorageEngine)await provider.CreateAsync(options, _server.Context());
        await engine.SaveAsync("signed-in", new MemoryStream([1]));
        Assert.True(await engine.ExistsAsync("signed-in"));
    }

    [Fact]
    public async Task A_refused_consent_is_AuthorizationRequired_and_stores_nothing()
    {
        var provider = new DropboxProvider();
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await provider.SignInAsync(_server.Options(), _server.Context(new PlayedUser { Refuse = true }), StorageSignInFlow.Browser));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("access_denied", error.Message, StringComparison.Ordinal);
        Assert.Null(_server.Credentials.Peek(OAuthSession.CredentialName));
    }

    [Fact]
    public async Task Without_a_sign_in_the_engine_is_AuthorizationRequired_naming_the_command()
    {
        var error = await Assert.ThrowsAsync<StorageException>(async () => await new DropboxProvider().CreateAsync(_server.Options(), _server.Context()));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("atomiton-storage auth login tests/dropbox", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_and_sign_out_revoke_and_forget_and_no_message_shows_a_token()
    {
        var provider = new DropboxProvider();
        var options = _server.Options();
        await provider.SignInAsync(options, _server.Context(new PlayedUser()), StorageSignInFlow.PastedCode);
        var tokens = OAuthTokens.Parse(_server.Credentials.Peek(OAuthSession.CredentialName)!);

        var status = await provider.GetSignInStatusAsync(options, _server.Context());
        Assert.True(status.SignedIn);
        Assert.True(await provider.SignOutAsync(options, _server.Context()));
        Assert.False((await provider.GetSignInStatusAsync(options, _server.Context())).SignedIn);
        Assert.False(await provider.SignOutAsync(options, _server.Context()));

        // The revoked access token is refused by Dropbox.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Server.ApiAddress, "2/users/get_space_usage"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(401, (int)response.StatusCode);
        Assert.DoesNotContain(tokens.AccessToken, status.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken!, status.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.AccessToken, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_endpoint_reads_parameters_from_the_query_string_as_the_official_SDK_sends_them()
    {
        var (_, refresh) = _server.Server.IssueTokens();
        using var http = new HttpClient();
        var uri = new Uri(_server.Server.TokenEndpoint, $"?grant_type=refresh_token&refresh_token={Uri.EscapeDataString(refresh)}&client_id={_server.Server.AppKey}");
        using var response = await http.PostAsync(uri, new StringContent("", null, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Contains("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var refused = await http.PostAsync(new Uri(_server.Server.TokenEndpoint, $"?grant_type=refresh_token&refresh_token=nope&client_id={_server.Server.AppKey}"), null);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("\"error\":\"invalid_grant\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_validated_naming_the_option()
    {
        var options = new DropboxOptions { AppKey = "k", Access = DropboxAccess.Full };
        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(DropboxOptions.Root)));
        options.Root = "/a\\b";
        Assert.Contains(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)), r => r.ErrorMessage!.Contains("backslash", StringComparison.Ordinal));
    }
}
