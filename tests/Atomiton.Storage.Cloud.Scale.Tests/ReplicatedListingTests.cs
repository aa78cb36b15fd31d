using System.Net;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Atomiton.Storage.Plugins.Cloud;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// Replicas serving azureblob (which lists by its own continuation tokens, not in key order) page a
/// listing by sealed tokens that every replica opens: the key sealing them is created once in the
/// database, so a page may come from any replica, including one started after the token was issued.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class ReplicatedListingTests(PostgresFixture postgres, AzuriteFixture azurite)
{
    private const int KeyCount = 25;

    [SkippableFact]
    public async Task Pages_of_one_listing_come_from_different_replicas_and_from_a_replica_started_later()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 2);
        string tenant = $"list-{Guid.NewGuid():N}/";
        var key = await set.CreateKeyAsync(tenant);
        await using (var writer = await set.ConnectAsync(0, key.Key))
        {
            Assert.False(writer.Capabilities.HasFlag(StorageCapabilities.OrderedList));
            for (int i = 0; i < KeyCount; i++)
            {
                await writer.SaveAsync($"k/{i:D3}", new byte[] { (byte)i });
            }
        }

        Assert.Equal(set.Replicas[0].Database.ListingTokenKey, set.Replicas[1].Database.ListingTokenKey);

        var listed = new List<string>();
        using var first = await GetPageAsync(set.RawClient(0, key.Key), "v1/list?pageSize=10");
        listed.AddRange(Keys(first));
        using var second = await GetPageAsync(set.RawClient(1, key.Key), "v1/list?pageSize=10&continuationToken=" + Uri.EscapeDataString(NextToken(first)));
        listed.AddRange(Keys(second));

        // A replica that was not running when the tokens were issued (as after a restart) opens them too.
        await using var database = await CloudDatabase.OpenAsync(set.ConnectionString);
        var options = new CloudServerOptions { Database = database, RateLimitPermits = null };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        await using var later = await CloudServer.StartAsync(set.Replicas[0].Engine, options);
        using var client = new HttpClient { BaseAddress = later.Endpoint };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key.Key);
        using var third = await GetPageAsync(client, "v1/list?pageSize=10&continuationToken=" + Uri.EscapeDataString(NextToken(second)));
        listed.AddRange(Keys(third));
        Assert.False(third.RootElement.TryGetProperty("nextToken", out _));

        Assert.Equal(Enumerable.Range(0, KeyCount).Select(i => $"k/{i:D3}"), listed.Order(StringComparer.Ordinal));

        // An entry's token resumes on the other replica, and the plugin spread over both lists every key once.
        string afterSeventh = first.RootElement.GetProperty("entries")[6].GetProperty("token").GetString()!;
        using var resumed = await GetPageAsync(set.RawClient(1, key.Key), "v1/list?pageSize=100&continuationToken=" + Uri.EscapeDataString(afterSeventh));
        Assert.Equal(listed.Skip(7), Keys(resumed));
        await using var spread = await set.ConnectAsync(0, key.Key, o => o.Replicas = [set.Endpoints[1].ToString()]);
        var all = await spread.ListAsync(new ListOptions { PageSize = 4 }).ToListAsync();
        Assert.Equal(listed.Order(StringComparer.Ordinal), all.Select(e => e.Key).Order(StringComparer.Ordinal));
        var rest = await spread.ListAsync(new ListOptions { PageSize = 4, ContinuationToken = all[10].ContinuationToken }).ToListAsync();
        Assert.Equal(all.Skip(11).Select(e => e.Key), rest.Select(e => e.Key));
    }

    private static List<string> Keys(JsonDocument page) =>
        page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("key").GetString()!).ToList();

    private static string NextToken(JsonDocument page) => page.RootElement.GetProperty("nextToken").GetString()!;

    private static async Task<JsonDocument> GetPageAsync(HttpClient client, string target)
    {
        using (client)
        {
            using var response = await client.GetAsync(new Uri(target, UriKind.Relative));
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{target}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body);
        }
    }
}
