using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Where unfinished uploads keep their bytes, and for how long: by default in a private folder
/// beside the server's key file (never a shared folder under the temp directory), and an abandoned
/// session's files are removed within <c>UploadSessionLifetime + UploadSweepInterval</c> of its
/// last chunk, on the server's clock, even when no new session is ever started; files that are no
/// session's are never removed.
/// </summary>
public sealed partial class UploadFolderTests
{
    [Fact]
    public async Task Default_upload_folder_is_private_and_beside_the_key_file_not_under_the_temp_directory()
    {
        await using var server = await CloudTestServer.StartAsync(o => o.UploadDirectory = new CloudServerOptions().UploadDirectory);
        var key = server.CreateTenantKey(tenant: "t/");

        string id = await CreateSessionAsync(server, key, "a.bin");

        string expected = Path.ChangeExtension(server.Keys.FilePath, ".uploads");
        Assert.True(File.Exists(Path.Combine(expected, id + ".part")), $"no session files in {expected}");
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "atomiton-cloud-uploads")) && File.Exists(Path.Combine(Path.GetTempPath(), "atomiton-cloud-uploads", id + ".part")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(expected));
        }
    }

    [Fact]
    public async Task Abandoned_session_is_removed_within_lifetime_plus_sweep_interval_and_an_active_one_is_kept()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await CloudTestServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.UploadSessionLifetime = TimeSpan.FromHours(1);
            o.UploadSweepInterval = TimeSpan.FromMinutes(10);
        });
        var key = server.CreateTenantKey(tenant: "t/");
        using var client = server.RawClient(key.Key);
        string abandoned = await CreateSessionAsync(server, key, "abandoned.bin");
        string active = await CreateSessionAsync(server, key, "active.bin");
        // Someone else's files in the folder (an operator pointed UploadDirectory at a shared one) are never the sweep's.
        string foreign = Path.Combine(server.Options.UploadDirectory!, "settings.json");
        await File.WriteAllTextAsync(foreign, "{}");
        File.SetLastWriteTimeUtc(foreign, time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(30));

        time.Advance(TimeSpan.FromMinutes(40));
        (await client.PutAsync(new Uri($"v1/uploads/{active}?offset=10", UriKind.Relative), new ByteArrayContent(new byte[5]))).EnsureSuccessStatusCode();
        time.Advance(TimeSpan.FromMinutes(30));

        Assert.Empty(Directory.GetFiles(server.Options.UploadDirectory!, abandoned + "*"));
        using var gone = await client.GetAsync(new Uri($"v1/uploads/{abandoned}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var kept = await client.GetAsync(new Uri($"v1/uploads/{active}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Contains("\"offset\":15", await kept.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(File.Exists(foreign));
    }

    private static async Task<string> CreateSessionAsync(CloudTestServer server, CreatedApiKey key, string objectKey)
    {
        using var client = server.RawClient(key.Key);
        using var created = await client.PostAsync(new Uri("v1/uploads", UriKind.Relative), new StringContent($$"""{ "key": "{{objectKey}}" }""", Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        string id = SessionIdPattern().Match(await created.Content.ReadAsStringAsync()).Groups[1].Value;
        (await client.PutAsync(new Uri($"v1/uploads/{id}?offset=0", UriKind.Relative), new ByteArrayContent(new byte[10]))).EnsureSuccessStatusCode();
        return id;
    }

    [GeneratedRegex("\"id\":\"([0-9a-f]{32})\"")]
    private static partial Regex SessionIdPattern();
}
