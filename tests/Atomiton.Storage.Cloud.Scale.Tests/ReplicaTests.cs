using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Plugins.AzureBlob.Tests;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// Three replicas on one database and one Azurite container serve the same tenants: create-only races
/// decided by the blob service, an upload handed between replicas, one change feed, revocation seen by
/// every replica, tenants confined on every replica.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class ReplicaTests(PostgresFixture postgres, AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task Create_only_races_across_replicas_have_exactly_one_winner_each()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var key = await set.CreateKeyAsync("race/");
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => set.ConnectAsync(i, key.Key)));
        const int Races = 12;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Races).SelectMany(race => clients.Select(async (client, replica) =>
        {
            try
            {
                await client.SaveAsync($"k{race}", new byte[] { (byte)race, (byte)replica }, new SaveOptions { Condition = WriteCondition.IfNotExists });
                return (race, replica, won: true);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
            {
                return (race, replica, won: false);
            }
        })));

        foreach (var race in outcomes.GroupBy(o => o.race))
        {
            var winner = Assert.Single(race, o => o.won);
            Assert.Equal(new[] { (byte)race.Key, (byte)winner.replica }, await clients[(winner.replica + 1) % 3].LoadBytesAsync($"k{race.Key}"));
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task An_upload_started_on_one_replica_continues_and_commits_on_the_others()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var key = await set.CreateKeyAsync("up/");
        var content = Enumerable.Range(0, 90_000).Select(i => (byte)(i % 251)).ToArray();
        using var first = set.RawClient(0, key.Key);
        using var second = set.RawClient(1, key.Key);
        using var third = set.RawClient(2, key.Key);

        var created = await first.PostAsJsonAsync("/v1/uploads", new { key = "file.bin", length = content.Length, ifNotExists = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await second.PutAsync($"/v1/uploads/{id}?offset=0", new ByteArrayContent(content[..30_000]))).StatusCode);
        var stale = await third.PutAsync($"/v1/uploads/{id}?offset=0", new ByteArrayContent(content[..30_000]));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var status = await third.GetFromJsonAsync<JsonElement>($"/v1/uploads/{id}");
        Assert.Equal(30_000, status.GetProperty("offset").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await third.PutAsync($"/v1/uploads/{id}?offset=30000", new ByteArrayContent(content[30_000..]))).StatusCode);
        var committed = await first.PostAsync($"/v1/uploads/{id}/commit", null);
        Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync($"/v1/uploads/{id}/commit", null)).StatusCode);

        Assert.Equal(content, await second.GetByteArrayAsync("/v1/objects/file.bin"));
    }

    [SkippableFact]
    public async Task The_change_feed_read_on_any_replica_lists_each_write_of_every_replica_once_in_order()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var key = await set.CreateKeyAsync("feed/");
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => set.ConnectAsync(i, key.Key)));
        var cursor = await clients[1].GetChangeCursorAsync();

        const int WritersPerReplica = 4;
        const int WritesEach = 15;
        await Task.WhenAll(Enumerable.Range(0, 3 * WritersPerReplica).Select(async writer =>
        {
            var client = clients[writer % 3];
            for (int i = 0; i < WritesEach; i++)
            {
                await client.SaveAsync($"w{writer}/k{i}", new byte[] { 1 });
            }
        }));
        await clients[0].DeleteAsync("w0/k0");

        var changes = new List<StorageChange>();
        for (bool more = true; more;)
        {
            var page = await clients[2].ReadChangesAsync(cursor);
            changes.AddRange(page.Changes);
            cursor = page.Cursor;
            more = page.HasMore;
        }

        Assert.Equal((3 * WritersPerReplica * WritesEach) + 1, changes.Count);
        var upserts = changes.Where(c => c.Kind == StorageChangeKind.Upserted).Select(c => c.Key).ToList();
        Assert.Equal(upserts.Count, upserts.Distinct().Count());
        Assert.Equal(new StorageChange(StorageChangeKind.Deleted, "w0/k0"), changes[^1]);
        for (int writer = 0; writer < 3 * WritersPerReplica; writer++)
        {
            // Each writer's own writes appear in the order it made them.
            var own = upserts.Where(k => k.StartsWith($"w{writer}/", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, WritesEach).Select(i => $"w{writer}/k{i}"), own);
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_key_revoked_through_one_replica_is_refused_by_every_replica_at_its_next_request()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var key = await set.CreateKeyAsync("rev/");
        var clients = Enumerable.Range(0, 3).Select(i => set.RawClient(i, key.Key)).ToArray();
        foreach (var client in clients)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/list")).StatusCode);
        }

        Assert.True(await set.Replicas[0].Database.RevokeKeyAsync(key.Entry.Id));
        foreach (var client in clients)
        {
            var refused = await client.GetAsync("/v1/list");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            client.Dispose();
        }
    }

    [SkippableFact]
    public async Task A_tenant_sees_nothing_of_another_tenant_on_any_replica()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var acme = await set.CreateKeyAsync("acme/");
        var globex = await set.CreateKeyAsync("globex/", ApiKeyPermissions.Read | ApiKeyPermissions.Write);
        await using (var writer = await set.ConnectAsync(0, acme.Key))
        {
            await writer.SaveAsync("secret.txt", "acme only"u8.ToArray());
        }

        for (int i = 0; i < 3; i++)
        {
            await using var other = await set.ConnectAsync(i, globex.Key);
            var missing = await Assert.ThrowsAsync<StorageException>(async () => await other.LoadBytesAsync("secret.txt"));
            Assert.Equal(StorageErrorCode.NotFound, missing.Code);
            await foreach (var entry in other.ListAsync())
            {
                Assert.Fail($"globex listed {entry}");
            }

            using var raw = set.RawClient(i, globex.Key);
            Assert.Equal(HttpStatusCode.NotFound, (await raw.GetAsync("/v1/objects/acme/secret.txt")).StatusCode);
        }
    }

    [SkippableFact]
    public async Task A_revoked_key_fails_every_operation_of_a_client_of_all_three_replicas_and_its_upload_cannot_go_on_elsewhere()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var key = await set.CreateKeyAsync("revall/");
        await using var client = await ConnectToAllAsync(set, key.Key);
        await client.SaveAsync("before", new byte[] { 1 });
        using var first = set.RawClient(0, key.Key);
        var created = await first.PostAsJsonAsync("/v1/uploads", new { key = "half.bin", length = 20 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await first.PutAsync($"/v1/uploads/{id}?offset=0", new ByteArrayContent(new byte[10]))).StatusCode);

        Assert.True(await set.Replicas[2].Database.RevokeKeyAsync(key.Entry.Id));

        // Refused, not retried on another replica until the budget runs out: 401 is an answer, not an outage.
        var operations = new Func<Task>[]
        {
            () => client.SaveAsync("after", new byte[] { 2 }).AsTask(),
            () => client.LoadBytesAsync("before").AsTask(),
            () => client.ExistsAsync("before").AsTask(),
            () => client.DeleteAsync("before").AsTask(),
            () => client.CopyAsync("before", "copy").AsTask(),
            () => client.GetChangeCursorAsync().AsTask(),
        };
        foreach (var operation in operations)
        {
            var refused = await Assert.ThrowsAsync<StorageException>(operation);
            Assert.Equal(StorageErrorCode.AuthenticationFailed, refused.Code);
            Assert.False(refused.IsTransient);
        }

        for (int replica = 0; replica < 3; replica++)
        {
            using var raw = set.RawClient(replica, key.Key);
            Assert.Equal(HttpStatusCode.Unauthorized, (await raw.PutAsync($"/v1/uploads/{id}?offset=10", new ByteArrayContent(new byte[10]))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await raw.PostAsync($"/v1/uploads/{id}/commit", null)).StatusCode);
        }

        var fresh = await set.CreateKeyAsync("revall/");
        await using var reader = await ConnectToAllAsync(set, fresh.Key);
        Assert.False(await reader.ExistsAsync("half.bin"));
        Assert.False(await reader.ExistsAsync("after"));
        Assert.Equal(new byte[] { 1 }, await reader.LoadBytesAsync("before"));
    }

    [SkippableFact]
    public async Task Tenants_stay_confined_on_every_replica_for_writes_uploads_permissions_and_the_change_feed()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var acme = await set.CreateKeyAsync("acme/");
        var globex = await set.CreateKeyAsync("globex/");
        var readOnly = await set.CreateKeyAsync("acme/", ApiKeyPermissions.Read);
        await using var acmeClient = await ConnectToAllAsync(set, acme.Key);
        await using var globexClient = await ConnectToAllAsync(set, globex.Key);
        var globexCursor = await globexClient.GetChangeCursorAsync();
        await acmeClient.SaveAsync("secret.txt", "acme only"u8.ToArray());

        // The same relative key in another tenant is another object, whichever replica serves it.
        await globexClient.SaveAsync("secret.txt", "globex"u8.ToArray());
        Assert.True(await globexClient.DeleteAsync("secret.txt"));
        Assert.Equal("acme only"u8.ToArray(), await acmeClient.LoadBytesAsync("secret.txt"));
        var copy = await Assert.ThrowsAsync<StorageException>(async () => await globexClient.CopyAsync("../acme/secret.txt", "stolen"));
        Assert.Equal(StorageErrorCode.InvalidKey, copy.Code);

        using var acmeRaw = set.RawClient(0, acme.Key);
        var created = await acmeRaw.PostAsJsonAsync("/v1/uploads", new { key = "mine.bin", length = 4 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        for (int replica = 0; replica < 3; replica++)
        {
            using var globexRaw = set.RawClient(replica, globex.Key);
            Assert.Equal(HttpStatusCode.NotFound, (await globexRaw.GetAsync($"/v1/uploads/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await globexRaw.PutAsync($"/v1/uploads/{id}?offset=0", new ByteArrayContent(new byte[4]))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await globexRaw.PostAsync($"/v1/uploads/{id}/commit", null)).StatusCode);

            using var readOnlyRaw = set.RawClient(replica, readOnly.Key);
            Assert.Equal(HttpStatusCode.OK, (await readOnlyRaw.GetAsync("/v1/objects/secret.txt")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await readOnlyRaw.PutAsync("/v1/objects/secret.txt", new ByteArrayContent(new byte[1]))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await readOnlyRaw.DeleteAsync("/v1/objects/secret.txt")).StatusCode);
        }

        Assert.Equal("acme only"u8.ToArray(), await acmeClient.LoadBytesAsync("secret.txt"));

        // globex's feed, read through every replica in turn, lists its own two changes and nothing of acme's.
        var changes = new List<StorageChange>();
        for (bool more = true; more;)
        {
            var page = await globexClient.ReadChangesAsync(globexCursor);
            changes.AddRange(page.Changes);
            globexCursor = page.Cursor;
            more = page.HasMore;
        }

        Assert.Equal([(StorageChangeKind.Upserted, "secret.txt"), (StorageChangeKind.Deleted, "secret.txt")], changes.Select(c => (c.Kind, c.Key)));
    }

    /// <summary>One <c>cloud</c> client with all three replicas (endpoint and <c>replicas</c>), as a deployment's clients use them.</summary>
    private static Task<IStorageEngine> ConnectToAllAsync(ReplicaSet set, string apiKey) =>
        set.ConnectAsync(0, apiKey, options => options.Replicas = [.. set.Endpoints.Skip(1).Select(e => e.ToString())]);
}
