using System.Runtime.CompilerServices;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// <c>ListOptions.KeysOnly</c> travels from the plugin to the server's engine as <c>keysOnly=true</c>;
/// objects listed without their item come back as objects, prefixes as prefixes, inside the tenant.
/// </summary>
public sealed class KeysOnlyListingTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "atomiton-cloud-tests", Guid.NewGuid().ToString("N"));
    private readonly ItemDroppingEngine _backend = new(new MemoryEngine());
    private RunningCloudServer? _server;
    private IStorageEngine? _engine;
    private CreatedApiKey? _key;

    private IStorageEngine Engine => _engine!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var options = new CloudServerOptions { Keys = new ApiKeyStore(Path.Combine(_directory, "keys.json")), UploadDirectory = Path.Combine(_directory, "uploads"), RateLimitPermits = null };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        _server = await CloudServer.StartAsync(_backend, options);
        _key = options.Keys.Create("tenant/", ApiKeyPermissions.Read | ApiKeyPermissions.Write, "tests");
        _engine = await new CloudProvider().CreateAsync(
            new CloudOptions { Endpoint = _server.Endpoint.ToString(), ApiKey = _key.Key, RetryDelay = TimeSpan.FromMilliseconds(50) },
            new StorageProviderContext { PipelineName = "tests", StageName = "cloud" });
        foreach (var key in new[] { "flows/a.json", "flows/sub/b.json", "zeta" })
        {
            await Engine.SaveAsync(key, "{}"u8.ToArray());
        }
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await _server!.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_keys_only_listing_asks_the_server_for_keys_and_returns_objects_without_items()
    {
        var keysOnly = await Engine.ListAsync(new ListOptions { KeysOnly = true, PageSize = 2 }).ToListAsync();
        var shallow = await Engine.ListAsync(new ListOptions { Prefix = "flows/", Recursive = false, KeysOnly = true }).ToListAsync();

        Assert.Equal(["flows/a.json", "flows/sub/b.json", "zeta"], keysOnly.Select(e => e.Key));
        Assert.All(keysOnly, entry => Assert.True(entry.IsObject && entry.Item is null));
        Assert.Equal(["flows/a.json", "flows/sub/"], shallow.Select(e => e.Key));
        Assert.Equal([true, false], shallow.Select(e => e.IsObject));
        Assert.All(_backend.Listings, options => Assert.True(options.KeysOnly));
        Assert.All(_backend.Listings, options => Assert.StartsWith("tenant/", options.Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_listing_still_carries_every_item()
    {
        var full = await Engine.ListAsync().ToListAsync();

        Assert.Equal(["flows/a.json", "flows/sub/b.json", "zeta"], full.Select(e => e.Item!.Key));
        Assert.Equal(await Engine.StatAsync("zeta"), full[^1].Item);
        Assert.All(_backend.Listings, options => Assert.False(options.KeysOnly));
    }

    [Fact]
    public async Task A_keysOnly_argument_that_is_not_a_boolean_is_InvalidArgument()
    {
        using var client = new HttpClient { BaseAddress = _server!.Endpoint };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + _key!.Key);

        using var response = await client.GetAsync(new Uri("v1/list?keysOnly=maybe", UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"code\":\"InvalidArgument\"", body, StringComparison.Ordinal);
        Assert.Contains("keysOnly", body, StringComparison.Ordinal);
    }

    /// <summary>A backend that takes the hint: keys-only listings come without items. Records every listing's options.</summary>
    private sealed class ItemDroppingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public List<ListOptions> Listings { get; } = [];

        public override string EngineType => "item-dropping";

        protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            lock (Listings)
            {
                Listings.Add(options);
            }

            await foreach (var entry in Inner.ListAsync(options, cancellationToken))
            {
                yield return options.KeysOnly && entry.IsObject ? StorageEntry.ForKey(entry.Key) : entry;
            }
        }
    }
}
