using System.Net;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.State;
using Atomiton.Storage.Tests.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// A server over storage that lists in no key order and resumes only by its own continuation tokens
/// (the kit's <c>unordered-token</c> engine, as <c>azureblob</c> does): pages carry sealed tokens that
/// resume after any entry, work after a restart, and are refused — saying nothing of the tenant or the
/// engine's token — when altered or taken to another tenant or listing. The class runs with no other
/// class beside it: it allocates 100–230 MB every 200 ms (2,500 keys listed again and again, a sealed
/// token per entry), and beside the kit's bounded-memory case, which counts the process's allocations,
/// it made a 32 MiB load count 219 MB in all three attempts (CI, 2026-12-03).
/// </summary>
[Collection(AllocatesHeavily.Name)]
public sealed class UnorderedListingTests
{
    private const string Tenant = "tenant-7f3a9c/";
    private const int KeyCount = 2_500;

    [Fact]
    public async Task The_plugin_lists_2500_keys_in_pages_of_1000_each_key_exactly_once()
    {
        await using var server = await StartAsync();
        var key = server.CreateTenantKey(tenant: Tenant);
        await FillAsync(server);
        var requests = new InterceptingHandler((request, send) => send());
        await using var engine = await server.ConnectThroughAsync(key.Key, requests);
        Assert.False(engine.Capabilities.HasFlag(StorageCapabilities.OrderedList));

        var listed = await engine.ListAsync(new ListOptions { PageSize = 1000 }).ToListAsync();

        Assert.Equal(KeyCount, listed.Count);
        Assert.Equal(KeyCount, listed.Select(e => e.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(AllKeys().Order(StringComparer.Ordinal), listed.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(listed, e => Assert.NotNull(e.ContinuationToken));
        Assert.NotEqual(listed.Select(e => e.Key).Order(StringComparer.Ordinal), listed.Select(e => e.Key)); // really unordered
        Assert.Equal(3, requests.Requests.Count(r => r.Contains("/v1/list", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_listing_resumes_after_any_entry_with_its_token()
    {
        await using var server = await StartAsync();
        var key = server.CreateTenantKey(tenant: Tenant);
        await FillAsync(server);
        await using var engine = await server.ConnectAsync(key.Key);
        var all = await engine.ListAsync(new ListOptions { PageSize = 1000 }).ToListAsync();
        var random = new Random(22);
        foreach (int index in new[] { 0, 999, 1000, random.Next(1, KeyCount - 1), KeyCount - 2, KeyCount - 1 })
        {
            var rest = await engine.ListAsync(new ListOptions { PageSize = 1000, ContinuationToken = all[index].ContinuationToken }).ToListAsync();
            Assert.Equal(all.Skip(index + 1).Select(e => e.Key), rest.Select(e => e.Key));
        }
    }

    [Fact]
    public async Task Altered_foreign_tenant_and_other_listing_tokens_are_refused_with_400_and_nothing_leaked()
    {
        await using var server = await StartAsync();
        var key = server.CreateTenantKey(tenant: Tenant);
        var other = server.CreateTenantKey(tenant: "other-tenant/");
        await FillAsync(server);
        await FillAsync(server, "other-tenant/");
        var page = await GetPageAsync(server, key.Key, "v1/list?pageSize=1000");
        string nextToken = page.RootElement.GetProperty("nextToken").GetString()!;
        Assert.Equal(nextToken, page.RootElement.GetProperty("next").GetString());
        string entryToken = page.RootElement.GetProperty("entries")[17].GetProperty("token").GetString()!;

        // The engine's own tokens for the same listing: none may reach a tenant, in a page or an error.
        var engineTokens = await server.Served.ListAsync(new ListOptions { Prefix = Tenant, PageSize = 1000 }).Take(1000).Select(e => e.ContinuationToken!).ToListAsync();
        var bodies = new List<string> { page.RootElement.GetRawText() };

        var refused = new (string Caller, string Target)[]
        {
            (key.Key, "v1/list?pageSize=1000&continuationToken=" + Uri.EscapeDataString(Alter(nextToken))),
            (key.Key, "v1/list?pageSize=1000&continuationToken=" + Uri.EscapeDataString(nextToken[..^4])),
            (key.Key, "v1/list?pageSize=1000&continuationToken=not-a-token"),
            (other.Key, "v1/list?pageSize=1000&continuationToken=" + Uri.EscapeDataString(nextToken)),
            (other.Key, "v1/list?pageSize=1000&startAfter=" + Uri.EscapeDataString(entryToken)),
            (key.Key, "v1/list?pageSize=1000&prefix=k%2F&continuationToken=" + Uri.EscapeDataString(nextToken)),
            (key.Key, "v1/list?pageSize=1000&recursive=false&continuationToken=" + Uri.EscapeDataString(entryToken)),
            (key.Key, "v1/list?pageSize=1000&keysOnly=true&continuationToken=" + Uri.EscapeDataString(entryToken)),
            (key.Key, "v1/list?pageSize=1000&startAfter=k%2F00017"), // a key is no token over unordered storage
        };
        foreach (var (caller, target) in refused)
        {
            using var client = server.RawClient(caller);
            using var response = await client.GetAsync(new Uri(target, UriKind.Relative));
            string body = await response.Content.ReadAsStringAsync();
            bodies.Add(body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{target}: {(int)response.StatusCode} {body}");
            using var problem = JsonDocument.Parse(body);
            Assert.Equal("InvalidArgument", problem.RootElement.GetProperty("code").GetString());
            Assert.Contains("Start the listing again", body, StringComparison.Ordinal);
        }

        foreach (var body in bodies)
        {
            Assert.DoesNotContain(Tenant, body, StringComparison.Ordinal);
            Assert.DoesNotContain("unordered-v1", body, StringComparison.Ordinal);
            Assert.All(engineTokens, token => Assert.DoesNotContain(token, body, StringComparison.Ordinal));
        }

        // The plugin reports the same refusal as an InvalidArgument storage error.
        await using var engine = await server.ConnectAsync(other.Key);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ListAsync(new ListOptions { ContinuationToken = nextToken }).ToListAsync());
        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.DoesNotContain(Tenant, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_paging_by_next_and_startAfter_alone_keep_working()
    {
        await using var server = await StartAsync();
        var key = server.CreateTenantKey(tenant: Tenant);
        await FillAsync(server);
        var keys = new List<string>();
        string? next = null;
        do
        {
            using var page = await GetPageAsync(server, key.Key, "v1/list?pageSize=1000" + (next is null ? "" : "&startAfter=" + Uri.EscapeDataString(next)));
            keys.AddRange(page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("key").GetString()!));
            next = page.RootElement.TryGetProperty("next", out var value) ? value.GetString() : null;
        }
        while (next is not null);

        Assert.Equal(AllKeys().Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Tokens_survive_a_restart_through_the_key_file_beside_the_api_keys()
    {
        await using var server = await StartAsync();
        var key = server.CreateTenantKey(tenant: Tenant);
        await FillAsync(server);
        using var page = await GetPageAsync(server, key.Key, "v1/list?pageSize=1000");
        string nextToken = page.RootElement.GetProperty("nextToken").GetString()!;
        var keyFile = ListingTokenKeyFile.PathBeside(server.Keys.FilePath);
        Assert.Equal(32, new FileInfo(keyFile).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var endpoint = server.Endpoint;
        await server.StopAsync();
        await server.RestartAsync(endpoint);

        using var second = await GetPageAsync(server, key.Key, "v1/list?pageSize=1000&continuationToken=" + Uri.EscapeDataString(nextToken));
        Assert.Equal(1000, second.RootElement.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task A_token_older_than_24_hours_is_refused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
        await using var server = await StartAsync(options => options.TimeProvider = time);
        var key = server.CreateTenantKey(tenant: Tenant);
        await FillAsync(server);
        using var page = await GetPageAsync(server, key.Key, "v1/list?pageSize=1000");
        string nextToken = page.RootElement.GetProperty("nextToken").GetString()!;
        time.Advance(TimeSpan.FromHours(23));
        using (await GetPageAsync(server, key.Key, "v1/list?pageSize=1000&continuationToken=" + Uri.EscapeDataString(nextToken)))
        {
        }

        time.Advance(TimeSpan.FromHours(2));
        using var client = server.RawClient(key.Key);
        using var response = await client.GetAsync(new Uri("v1/list?pageSize=1000&continuationToken=" + Uri.EscapeDataString(nextToken), UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ordered_server_pages_by_key_as_before_and_refuses_a_continuation_token()
    {
        await using var server = await CloudTestServer.StartAsync();
        var key = server.CreateTenantKey(tenant: Tenant);
        await FillAsync(server);
        using var page = await GetPageAsync(server, key.Key, "v1/list?pageSize=1000");
        Assert.Equal("k/00999", page.RootElement.GetProperty("next").GetString());
        Assert.False(page.RootElement.TryGetProperty("nextToken", out _));
        Assert.False(page.RootElement.GetProperty("entries")[0].TryGetProperty("token", out _));

        using var client = server.RawClient(key.Key);
        using var response = await client.GetAsync(new Uri("v1/list?continuationToken=k%2F00999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("startAfter", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Through the plugin, a token of an ordered server is a key.
        await using var engine = await server.ConnectAsync(key.Key);
        var rest = await engine.ListAsync(new ListOptions { ContinuationToken = "k/02497" }).ToListAsync();
        Assert.Equal(["k/02498", "k/02499"], rest.Select(e => e.Key));
        Assert.All(rest, e => Assert.Null(e.ContinuationToken));
    }

    private static Task<CloudTestServer> StartAsync(Action<Server.CloudServerOptions>? configure = null) =>
        CloudTestServer.StartAsync(configure, serve: memory => new UnorderedTokenEngine(memory));

    private static IEnumerable<string> AllKeys() => Enumerable.Range(0, KeyCount).Select(i => $"k/{i:D5}");

    private static async Task FillAsync(CloudTestServer server, string tenant = Tenant)
    {
        foreach (var key in AllKeys())
        {
            await server.Engine.SaveAsync(tenant + key, new byte[] { 1 });
        }
    }

    private static async Task<JsonDocument> GetPageAsync(CloudTestServer server, string apiKey, string target)
    {
        using var client = server.RawClient(apiKey);
        using var response = await client.GetAsync(new Uri(target, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{target}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>The token with one character in its middle changed (still base64url).</summary>
    private static string Alter(string token)
    {
        var chars = token.ToCharArray();
        int middle = chars.Length / 2;
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}

/// <summary>
/// Test classes that allocate hundreds of megabytes a second for seconds: they run with no other class
/// beside them, so the kit's cases that count the process's allocations never measure them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocatesHeavily
{
    public const string Name = "cloud tests that allocate heavily";
}
