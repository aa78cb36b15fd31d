using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Atomiton.Storage.Plugins.AzureBlob.Tests;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c>, and a database restart under running replicas: requests fail
/// with a clear transient error while it is down, and succeed again once it is back, without a server
/// restart; what was acknowledged before is still there.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class HealthAndOutageTests(PostgresFixture postgres, AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task Readiness_follows_the_database_through_a_restart_and_requests_recover_without_a_server_restart()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 2);
        var key = await set.CreateKeyAsync("out/");
        using var anonymous = set.RawClient(0, null);
        using var client = set.RawClient(1, key.Key);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("ok", checks.GetProperty("database").GetString());
        Assert.Equal("ok", checks.GetProperty("storage").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/objects/before.txt", new ByteArrayContent("kept"u8.ToArray()))).StatusCode);

        await postgres.StopAsync();
        try
        {
            // Liveness does not depend on the database; readiness and every keyed request do.
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
            var notReady = await anonymous.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal("unreachable", (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database").GetString());

            var refused = await client.PutAsync("/v1/objects/during.txt", new ByteArrayContent("x"u8.ToArray()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("transient").GetBoolean());
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains("Retry later", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", detail, StringComparison.Ordinal);
            Assert.DoesNotContain(key.Key, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await postgres.StartAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/objects/after.txt", new ByteArrayContent("new"u8.ToArray()))).StatusCode);
        Assert.Equal("kept"u8.ToArray(), await client.GetByteArrayAsync("/v1/objects/before.txt"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/objects/during.txt")).StatusCode);
    }

    [SkippableFact]
    public async Task Readiness_names_the_storage_when_the_blob_service_refuses()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 1);
        using var anonymous = set.RawClient(0, null);
        await set.Replicas[0].Engine.DisposeAsync();
        var notReady = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var checks = (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("ok", checks.GetProperty("database").GetString());
        Assert.Equal("unreachable", checks.GetProperty("storage").GetString());
    }
}
