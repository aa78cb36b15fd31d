using System.Net;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>No key, malformed, wrong and revoked keys, and permissions: each refused with the right status, nothing changed, the server still healthy.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private CloudTestServer _server = null!;
    private CreatedApiKey _writer = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(o => o.ConfigureLogging = logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        _writer = _server.CreateTenantKey(tenant: "acme/");
        await _server.Engine.SaveAsync("acme/report.txt", "original"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer atm_0123456789abcdef_tooShort")]
    [InlineData("bearer atm_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Missing_or_malformed_key_is_refused_with_401_and_changes_nothing(string? authorization)
    {
        using var client = _server.RawClient();
        foreach (var request in WriteAndReadRequests())
        {
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal("AuthenticationFailed", await CodeOfAsync(response));
        }

        await AssertUnchangedAndHealthyAsync();
    }

    [Fact]
    public async Task Wrong_secret_for_a_real_key_id_is_refused_with_401()
    {
        var key = _writer.Key;
        var wrong = key[..^4] + (key[^4..] == "AAAA" ? "BBBB" : "AAAA");
        using var client = _server.RawClient(wrong);
        using var response = await client.GetAsync(new Uri("v1/objects/report.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(wrong, body, StringComparison.Ordinal);
        await AssertUnchangedAndHealthyAsync();
    }

    [Fact]
    public async Task Revoked_key_is_refused_even_when_revoked_by_another_process_through_the_key_file()
    {
        using var client = _server.RawClient(_writer.Key);
        using (var before = await client.GetAsync(new Uri("v1/objects/report.txt", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // A second store over the same file stands for the command line revoking the key.
        Assert.True(new ApiKeyStore(_server.Keys.FilePath).Revoke(_writer.Entry.Id));
        using var after = await client.GetAsync(new Uri("v1/objects/report.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);

        var engine = _server.ConnectAsync(_writer.Key);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine);
        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.False(error.IsTransient);
        await AssertUnchangedAndHealthyAsync();
    }

    [Fact]
    public async Task Read_only_key_cannot_write_delete_or_upload_and_gets_403()
    {
        var reader = _server.CreateTenantKey(ApiKeyPermissions.Read, tenant: "acme/");
        await using var engine = await _server.ConnectAsync(reader.Key);
        Assert.Equal("original", System.Text.Encoding.UTF8.GetString(await engine.LoadBytesAsync("report.txt")));

        var save = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("report.txt", "changed"u8.ToArray()));
        Assert.Equal(StorageErrorCode.AccessDenied, save.Code);
        var delete = await Assert.ThrowsAsync<StorageException>(async () => await engine.DeleteAsync("report.txt"));
        Assert.Equal(StorageErrorCode.AccessDenied, delete.Code);
        var upload = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big.bin", new byte[1024 * 1024]));
        Assert.Equal(StorageErrorCode.AccessDenied, upload.Code);

        await AssertUnchangedAndHealthyAsync();
        Assert.False(await _server.Engine.ExistsAsync("acme/big.bin"));
    }

    [Fact]
    public async Task Write_only_key_cannot_read()
    {
        var writer = _server.Keys.Create("acme/", ApiKeyPermissions.Write);
        using var client = _server.RawClient(writer.Key);
        using var response = await client.GetAsync(new Uri("v1/objects/report.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AccessDenied", await CodeOfAsync(response));
    }

    [Fact]
    public async Task Key_file_holds_only_sha256_hashes_readable_by_the_owner_alone()
    {
        var text = await File.ReadAllTextAsync(_server.Keys.FilePath);
        Assert.DoesNotContain(_writer.Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_writer.Key[^43..], text, StringComparison.Ordinal);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_writer.Key)));
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_writer.Key, _writer.ToString(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_server.Keys.FilePath));
        }
    }

    [Fact]
    public void Tenant_prefixes_that_are_not_folder_prefixes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => _server.Keys.Create("acme", ApiKeyPermissions.Read));
        Assert.Throws<ArgumentException>(() => _server.Keys.Create("../acme/", ApiKeyPermissions.Read));
        Assert.Throws<ArgumentException>(() => _server.Keys.Create("/acme/", ApiKeyPermissions.Read));
    }

    [Fact]
    public async Task Keys_never_appear_in_the_server_log()
    {
        using (var good = _server.RawClient(_writer.Key))
        {
            (await good.GetAsync(new Uri("v1/objects/report.txt", UriKind.Relative))).Dispose();
            (await good.GetAsync(new Uri("v1/objects/missing", UriKind.Relative))).Dispose();
        }

        var bad = _writer.Key[..^4] + "ZZZZ";
        using (var wrong = _server.RawClient(bad))
        {
            (await wrong.GetAsync(new Uri("v1/objects/report.txt", UriKind.Relative))).Dispose();
        }

        Assert.NotEmpty(_logs.Messages);
        Assert.DoesNotContain(_logs.Messages, m => m.Contains(_writer.Key[^43..], StringComparison.Ordinal) || m.Contains(bad[^43..], StringComparison.Ordinal));
    }

    private static IEnumerable<HttpRequestMessage> WriteAndReadRequests()
    {
        yield return new HttpRequestMessage(HttpMethod.Get, "v1/objects/report.txt");
        yield return new HttpRequestMessage(HttpMethod.Put, "v1/objects/report.txt") { Content = new ByteArrayContent("hacked"u8.ToArray()) };
        yield return new HttpRequestMessage(HttpMethod.Delete, "v1/objects/report.txt");
        yield return new HttpRequestMessage(HttpMethod.Get, "v1/list");
        yield return new HttpRequestMessage(HttpMethod.Get, "v1/info");
    }

    private async Task AssertUnchangedAndHealthyAsync()
    {
        Assert.Equal("original", System.Text.Encoding.UTF8.GetString(await _server.Engine.LoadBytesAsync("acme/report.txt")));
        using var client = _server.RawClient();
        using var health = await client.GetAsync(new Uri("v1/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    internal static async Task<string?> CodeOfAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("code").GetString();
    }
}
