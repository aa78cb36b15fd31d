using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>The largest metadata the contract allows, in any script, round-trips through headers within the server's default limits.</summary>
public sealed class MetadataLimitTests
{
    [Fact]
    public async Task Largest_non_ascii_metadata_round_trips_through_single_request_and_upload_session()
    {
        await using var server = await CloudTestServer.StartAsync();
        await using var engine = await server.ConnectAsync(server.CreateTenantKey(ApiKeyPermissions.Read | ApiKeyPermissions.Write).Key);
        var metadata = Enumerable.Range(0, 8).ToDictionary(i => $"name-{i}", _ => new string('世', 1000), StringComparer.Ordinal);
        var options = new SaveOptions { Metadata = metadata, ContentType = "text/plain; charset=utf-8" };

        await engine.SaveAsync("small.txt", "x"u8.ToArray(), options);
        await engine.SaveAsync("large.bin", new MemoryStream(new byte[600 * 1024]), options);

        foreach (var key in new[] { "small.txt", "large.bin" })
        {
            var item = await engine.StatAsync(key);
            Assert.Equal(metadata, item.Metadata);
            Assert.Equal("text/plain; charset=utf-8", item.ContentType);
        }
    }
}
