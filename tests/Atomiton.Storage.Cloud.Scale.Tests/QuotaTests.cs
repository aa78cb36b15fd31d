using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Plugins.AzureBlob.Tests;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// Tenant quotas kept in the database: two replicas writing at once draw on one budget, checked and
/// reserved before each write under the quota's row lock, so the tenant never goes past its limit
/// (the stated bound is zero); a refused write changes nothing, and the usage is reported.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class QuotaTests(PostgresFixture postgres, AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task Two_replicas_saving_at_once_never_take_a_tenant_past_its_byte_quota()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 2);
        var key = await set.CreateKeyAsync("bytes/");
        const int Size = 1000;
        const int Fits = 10;
        await set.Admin.SetQuotaAsync("bytes/", maxBytes: Fits * Size, maxItems: null);
        await using var first = await set.ConnectAsync(0, key.Key);
        await using var second = await set.ConnectAsync(1, key.Key);

        // 2 × 12 writers, 24 distinct keys of 1,000 bytes each: exactly 10 fit.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var client = i % 2 == 0 ? first : second;
            try
            {
                await client.SaveAsync($"k{i:D2}", Content(Size, i));
                return (i, saved: true, error: (StorageException?)null);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.QuotaExceeded)
            {
                return (i, saved: false, error: e);
            }
        }));

        var saved = outcomes.Where(o => o.saved).Select(o => o.i).ToList();
        Assert.Equal(Fits, saved.Count);
        var refusal = outcomes.First(o => !o.saved).error!;
        Assert.Contains("10000-byte quota", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bytes/", refusal.Message, StringComparison.Ordinal);

        // Every acknowledged save is there, no refused one is, and usage is exactly what is stored.
        var listed = new List<string>();
        await foreach (var entry in second.ListAsync())
        {
            listed.Add(entry.Key);
        }

        Assert.Equal(saved.Select(i => $"k{i:D2}").Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        foreach (int i in saved)
        {
            Assert.Equal(Content(Size, i), await first.LoadBytesAsync($"k{i:D2}"));
        }

        var quota = await set.Admin.GetQuotaAsync("bytes/");
        Assert.Equal((long)Fits * Size, quota!.UsedBytes);
        Assert.Equal(Fits, quota.UsedItems);
        var limits = (await first.GetInfoAsync()).Limits;
        Assert.Equal((long)Fits * Size, limits.QuotaUsed);
        Assert.Equal((long)Fits * Size, limits.QuotaTotal);
        Assert.True(first.Capabilities.HasFlag(StorageCapabilities.Quota));

        // Full: an overwrite with no more bytes still goes through; one byte more does not; a delete frees room.
        await first.SaveAsync($"k{saved[0]:D2}", Content(Size, 99));
        var grown = await Assert.ThrowsAsync<StorageException>(async () => await second.SaveAsync($"k{saved[1]:D2}", Content(Size + 1, 98)));
        Assert.Equal(StorageErrorCode.QuotaExceeded, grown.Code);
        Assert.Equal(Content(Size, saved[1]), await first.LoadBytesAsync($"k{saved[1]:D2}"));
        Assert.True(await second.DeleteAsync($"k{saved[2]:D2}"));
        await first.SaveAsync("after-delete", Content(Size, 97));
        Assert.Equal((long)Fits * Size, (await set.Admin.GetQuotaAsync("bytes/"))!.UsedBytes);
    }

    [SkippableFact]
    public async Task An_item_quota_admits_exactly_its_count_of_new_keys_from_two_replicas_and_still_allows_overwrites()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 2);
        var key = await set.CreateKeyAsync("items/");
        await set.Admin.SetQuotaAsync("items/", maxBytes: null, maxItems: 5);
        await using var first = await set.ConnectAsync(0, key.Key);
        await using var second = await set.ConnectAsync(1, key.Key);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? first : second).SaveAsync($"n{i:D2}", Content(10, i));
                return true;
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.QuotaExceeded)
            {
                Assert.Contains("limit of 5 objects", e.Message, StringComparison.Ordinal);
                return false;
            }
        }));

        Assert.Equal(5, outcomes.Count(o => o));
        var kept = outcomes.Select((ok, i) => (ok, i)).Where(o => o.ok).Select(o => $"n{o.i:D2}").ToList();
        await second.SaveAsync(kept[0], Content(2000, 1));
        var info = await second.GetInfoAsync();
        Assert.Equal(5, info.Limits.MaxItems);
        Assert.Equal("5", info.Details["quotaItemsUsed"]);
        Assert.Null(info.Limits.QuotaTotal);

        // A move inside the tenant adds no object; a copy to a new key would.
        await first.MoveAsync(kept[1], "moved");
        var copy = await Assert.ThrowsAsync<StorageException>(async () => await first.CopyAsync(kept[2], "copied"));
        Assert.Equal(StorageErrorCode.QuotaExceeded, copy.Code);
        Assert.False(await first.ExistsAsync("copied"));
        Assert.Equal(5, (await set.Admin.GetQuotaAsync("items/"))!.UsedItems);
    }

    [SkippableFact]
    public async Task An_upload_commit_past_the_quota_is_refused_and_the_session_commits_once_room_is_made()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 2);
        var key = await set.CreateKeyAsync("up/");
        await using (var client = await set.ConnectAsync(0, key.Key))
        {
            await client.SaveAsync("existing", Content(50_000, 1));
        }

        // Set after the tenant has an object: usage starts from what is stored.
        var quota = await set.Admin.SetQuotaAsync("up/", maxBytes: 100_000, maxItems: null);
        Assert.Equal(50_000, quota.UsedBytes);

        var content = Content(60_000, 2);
        using var first = set.RawClient(0, key.Key);
        using var second = set.RawClient(1, key.Key);
        var created = await first.PostAsJsonAsync("/v1/uploads", new { key = "big.bin", length = content.Length });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await second.PutAsync($"/v1/uploads/{id}?offset=0", new ByteArrayContent(content))).StatusCode);

        var refused = await first.PostAsync($"/v1/uploads/{id}/commit", null);
        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("would use 110000 of the tenant's 100000-byte quota", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync("/v1/objects/big.bin")).StatusCode);
        var status = await second.GetFromJsonAsync<JsonElement>($"/v1/uploads/{id}");
        Assert.Equal(content.Length, status.GetProperty("offset").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await second.DeleteAsync("/v1/objects/existing")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync($"/v1/uploads/{id}/commit", null)).StatusCode);
        Assert.Equal(content, await first.GetByteArrayAsync("/v1/objects/big.bin"));
        Assert.Equal(60_000, (await set.Admin.GetQuotaAsync("up/"))!.UsedBytes);

        // Another tenant is not limited by this one's quota, and sees no quota of its own.
        var other = await set.CreateKeyAsync("free/");
        await using var free = await set.ConnectAsync(1, other.Key);
        await free.SaveAsync("large", Content(200_000, 3));
        Assert.Null((await free.GetInfoAsync()).Limits.QuotaTotal);
        Assert.False(free.Capabilities.HasFlag(StorageCapabilities.Quota));
    }

    [SkippableFact]
    public async Task A_put_without_content_length_is_refused_with_a_reason_when_the_tenant_has_a_quota()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 1);
        var key = await set.CreateKeyAsync("chunked/");
        await set.Admin.SetQuotaAsync("chunked/", maxBytes: 1000, maxItems: null);
        using var raw = set.RawClient(0, key.Key);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/objects/a") { Content = new StreamContent(new MemoryStream(new byte[10])) };
        request.Headers.TransferEncodingChunked = true;
        var answer = await raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("Content-Length", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await raw.GetAsync("/v1/objects/a")).StatusCode);
        Assert.True(await set.Admin.RemoveQuotaAsync("chunked/"));
        Assert.Null(await set.Admin.GetQuotaAsync("chunked/"));
    }

    [SkippableFact]
    public async Task Quota_arguments_are_checked_with_their_reason()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 1);
        var none = await Assert.ThrowsAsync<ArgumentException>(() => set.Admin.SetQuotaAsync("t/", null, null));
        Assert.Contains("RemoveQuotaAsync", none.Message, StringComparison.Ordinal);
        var negative = await Assert.ThrowsAsync<ArgumentException>(() => set.Admin.SetQuotaAsync("t/", -1, null));
        Assert.Contains("negative", negative.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => set.Admin.SetQuotaAsync("no-slash", 10, null));
    }

    private static byte[] Content(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
