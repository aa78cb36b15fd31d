using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Contract 2 over the wire: the served engine's hashes, last-modified times, traits and key rules
/// reach the plugin as the engine reports them; expected hashes, last-modified times and pinned
/// reads reach the served engine; the tenant prefix is a declared, shorter key budget.
/// </summary>
public sealed class ContractForwardingTests
{
    [Fact]
    public async Task Items_carry_the_served_engines_hashes_and_ContentHashes_follows_the_engine()
    {
        await using var server = await CloudTestServer.StartAsync(serve: engine => new HashingEngine(engine));
        var key = server.CreateTenantKey();
        await using var engine = await server.ConnectAsync(key.Key);
        var info = await engine.GetInfoAsync();
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.ContentHashes));
        Assert.Equal(new[] { StorageHashAlgorithms.Sha256 }, info.HashAlgorithms);

        var content = "hash me"u8.ToArray();
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));
        var cursor = await engine.GetChangeCursorAsync();
        var saved = await engine.SaveAsync("a.txt", content);
        Assert.Equal(expected, saved.Hashes[StorageHashAlgorithms.Sha256]);
        Assert.Equal(expected, (await engine.StatAsync("a.txt")).Hashes[StorageHashAlgorithms.Sha256]);
        await foreach (var listed in engine.ListAsync())
        {
            Assert.Equal(expected, listed.Item!.Hashes[StorageHashAlgorithms.Sha256]);
        }

        Assert.Equal(expected, (await engine.ReadChangesAsync(cursor)).Changes[0].Item!.Hashes[StorageHashAlgorithms.Sha256]);

        await using var plainServer = await CloudTestServer.StartAsync(serve: engine => new PlainEngine(engine));
        await using var plain = await plainServer.ConnectAsync(plainServer.CreateTenantKey().Key);
        var plainInfo = await plain.GetInfoAsync();
        Assert.False(plainInfo.Capabilities.HasFlag(StorageCapabilities.ContentHashes));
        Assert.Empty(plainInfo.HashAlgorithms);
        Assert.Empty((await plain.SaveAsync("a.txt", content)).Hashes);
    }

    [Fact]
    public async Task Expected_hashes_reach_the_served_engine_which_refuses_a_mismatch_with_nothing_written()
    {
        HashingEngine? served = null;
        await using var server = await CloudTestServer.StartAsync(serve: engine => served = new HashingEngine(engine));
        var key = server.CreateTenantKey(tenant: "t/");
        await using var engine = await server.ConnectAsync(key.Key);
        var content = "checked"u8.ToArray();
        var hashes = new Dictionary<string, string> { [StorageHashAlgorithms.Sha256] = Convert.ToHexStringLower(SHA256.HashData(content)) };

        await engine.SaveAsync("small.txt", content, new SaveOptions { ExpectedHashes = hashes });
        Assert.Equal(hashes[StorageHashAlgorithms.Sha256], served!.SaveOptionsOf["t/small.txt"].ExpectedHashes![StorageHashAlgorithms.Sha256]);
        var large = new byte[600 * 1024];
        var largeHashes = new Dictionary<string, string> { [StorageHashAlgorithms.Sha256] = Convert.ToHexStringLower(SHA256.HashData(large)) };
        await engine.SaveAsync("large.bin", large, new SaveOptions { ExpectedHashes = largeHashes }); // through an upload session
        Assert.Equal(largeHashes[StorageHashAlgorithms.Sha256], served.SaveOptionsOf["t/large.bin"].ExpectedHashes![StorageHashAlgorithms.Sha256]);

        var wrong = OptionsHeader(new { expectedHashes = new Dictionary<string, string> { [StorageHashAlgorithms.Sha256] = new string('0', 64) } });
        var raw = await RawHttp.SendAsync(server.Endpoint, "PUT", "/v1/objects/wrong.txt", key.Key, "checked", "X-Atomiton-Options: " + wrong);
        Assert.Equal(422, raw.Status);
        using var problem = JsonDocument.Parse(raw.Body);
        Assert.Equal("Integrity", problem.RootElement.GetProperty("code").GetString());
        Assert.Contains("wrong.txt", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("t/wrong.txt", raw.Body, StringComparison.Ordinal);
        Assert.False(await server.Engine.ExistsAsync("t/wrong.txt"));
    }

    [Fact]
    public async Task Last_modified_reaches_the_served_engine_and_comes_back_and_is_refused_when_it_keeps_none()
    {
        await using var server = await CloudTestServer.StartAsync(serve: engine => new HashingEngine(engine));
        await using var engine = await server.ConnectAsync(server.CreateTenantKey().Key);
        var info = await engine.GetInfoAsync();
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.SetLastModified));
        Assert.Equal(TimeSpan.FromMilliseconds(1), info.Limits.ModifiedTimePrecision);
        var mtime = new DateTimeOffset(2020, 5, 17, 10, 30, 15, 123, TimeSpan.Zero);
        var saved = await engine.SaveAsync("a.txt", "x"u8.ToArray(), new SaveOptions { LastModified = mtime });
        Assert.Equal(mtime, saved.LastModified);
        Assert.Equal(mtime, (await engine.StatAsync("a.txt")).LastModified);
        Assert.Equal(mtime, (await engine.SaveAsync("big.bin", new byte[600 * 1024], new SaveOptions { LastModified = mtime })).LastModified);

        await using var plainServer = await CloudTestServer.StartAsync(serve: engine => new PlainEngine(engine));
        var plainKey = plainServer.CreateTenantKey();
        await using var plain = await plainServer.ConnectAsync(plainKey.Key);
        Assert.Equal(StorageErrorCode.UnsupportedOperation,
            (await Assert.ThrowsAsync<StorageException>(async () => await plain.SaveAsync("a.txt", "x"u8.ToArray(), new SaveOptions { LastModified = mtime }))).Code);
        var header = OptionsHeader(new { lastModified = mtime });
        var raw = await RawHttp.SendAsync(plainServer.Endpoint, "PUT", "/v1/objects/a.txt", plainKey.Key, "x", "X-Atomiton-Options: " + header);
        Assert.Equal(501, raw.Status);
        Assert.False(await plainServer.Engine.ExistsAsync("t1/a.txt"));
    }

    [Fact]
    public async Task Pinned_read_sends_If_Match_and_another_version_is_a_Conflict()
    {
        await using var server = await CloudTestServer.StartAsync();
        var key = server.CreateTenantKey();
        await using var engine = await server.ConnectAsync(key.Key);
        var first = await engine.SaveAsync("a.txt", "one"u8.ToArray());
        await engine.SaveAsync("a.txt", "two"u8.ToArray());

        var conflict = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("a.txt", new ReadOptions { IfMatch = first.ETag }));
        Assert.Equal(StorageErrorCode.Conflict, conflict.Code);
        var current = await engine.StatAsync("a.txt");
        Assert.Equal("two", Encoding.UTF8.GetString(await engine.LoadBytesAsync("a.txt", new ReadOptions { IfMatch = current.ETag })));

        // The wire form of an ETag is the server's ETag header (percent-encoded inside the quotes).
        var currentTag = EntityTagOf(await RawHttp.SendAsync(server.Endpoint, "HEAD", "/v1/objects/a.txt", key.Key));
        var staleTag = currentTag.Replace(Uri.EscapeDataString(current.ETag), Uri.EscapeDataString(first.ETag), StringComparison.Ordinal);
        Assert.NotEqual(currentTag, staleTag);
        var stale = await RawHttp.SendAsync(server.Endpoint, "GET", "/v1/objects/a.txt", key.Key, null, "If-Match: " + staleTag);
        Assert.Equal(412, stale.Status);
        var pinned = await RawHttp.SendAsync(server.Endpoint, "GET", "/v1/objects/a.txt", key.Key, null, "If-Match: " + currentTag);
        Assert.Equal(200, pinned.Status);
        Assert.Equal("two", pinned.Body);
    }

    [Fact]
    public async Task Tenant_prefix_is_a_declared_shorter_key_budget_and_beyond_it_keys_are_UnrepresentableKey()
    {
        await using var server = await CloudTestServer.StartAsync();
        const string tenant = "tenants/alice/";
        var key = server.CreateTenantKey(tenant: tenant);
        await using var engine = await server.ConnectAsync(key.Key);
        var rules = (await engine.GetInfoAsync()).KeyRules;
        Assert.Equal(StorageKey.MaxKeyBytes - tenant.Length, rules.MaxKeyBytes);
        Assert.Equal(StorageKey.MaxSegmentBytes, rules.MaxSegmentBytes);

        var longest = LongKey(rules.MaxKeyBytes);
        Assert.Equal(longest, (await engine.SaveAsync(longest, "fits"u8.ToArray())).Key);
        var tooLong = LongKey(rules.MaxKeyBytes + 1);
        var refused = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync(tooLong, "x"u8.ToArray()));
        Assert.Equal(StorageErrorCode.UnrepresentableKey, refused.Code);

        var raw = await RawHttp.SendAsync(server.Endpoint, "PUT", "/v1/objects/" + tooLong, key.Key, "x");
        Assert.Equal(400, raw.Status);
        Assert.Contains("\"code\":\"UnrepresentableKey\"", raw.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant, raw.Body, StringComparison.Ordinal);

        await using var whole = await server.ConnectAsync(server.CreateTenantKey(tenant: "").Key);
        Assert.True((await whole.GetInfoAsync()).KeyRules.AcceptsEveryValidKey);
    }

    [Fact]
    public async Task Traits_and_key_rules_of_the_served_engine_reach_the_plugin()
    {
        await using var server = await CloudTestServer.StartAsync(serve: engine => new RestrictedEngine(engine));
        var requests = new InterceptingHandler((request, forward) => forward());
        await using var engine = await server.ConnectThroughAsync(server.CreateTenantKey(tenant: "t/").Key, requests);
        var info = await engine.GetInfoAsync();
        Assert.Equal(StorageTraits.CaseInsensitiveKeys | StorageTraits.EventuallyConsistent, engine.Traits);
        Assert.Equal(engine.Traits, info.Traits);
        Assert.True(info.KeyRules.CaseInsensitive);
        Assert.Equal(100, info.KeyRules.MaxSegmentBytes);
        Assert.Equal(":", info.KeyRules.ForbiddenCharacters);
        Assert.Equal(new[] { "CON" }, info.KeyRules.ReservedNames);
        Assert.Equal(StorageKey.MaxKeyBytes - 2, info.KeyRules.MaxKeyBytes);

        int before = requests.Requests.Count;
        var refused = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("a:b", "x"u8.ToArray()));
        Assert.Equal(StorageErrorCode.UnrepresentableKey, refused.Code);
        Assert.Equal(before, requests.Requests.Count); // refused by the declared rules, before any request
    }

    private static string EntityTagOf(RawHttp.Response response) =>
        response.Head.Split("\r\n").Single(line => line.StartsWith("ETag:", StringComparison.OrdinalIgnoreCase))["ETag:".Length..].Trim();

    /// <summary>The X-Atomiton-Options header's value: base64url of the JSON, as docs/cloud-api.md describes it.</summary>
    private static string OptionsHeader(object options) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(options)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string LongKey(int bytes) => string.Join('/', Enumerable.Range(0, bytes / 200).Select(_ => new string('a', 199))) is var head && head.Length > 0
        ? head + "/" + new string('b', bytes - head.Length - 1)
        : new string('b', bytes);

    /// <summary>The memory engine with its content-hash and last-modified abilities masked off.</summary>
    private sealed class PlainEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
    {
        public override string EngineType => "plain";

        public override StorageCapabilities Capabilities => base.Capabilities & ~(StorageCapabilities.ContentHashes | StorageCapabilities.SetLastModified);

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            (await base.SaveCoreAsync(key, content, options, cancellationToken)) with { Hashes = StorageItem.EmptyMetadata };

        protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
            (await base.GetInfoCoreAsync(cancellationToken)) with { HashAlgorithms = [] };
    }

    /// <summary>A wrapper declaring restrictions (its inner engine is not really case-insensitive: only the declarations are under test).</summary>
    private sealed class RestrictedEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
    {
        public override string EngineType => "restricted";

        public override StorageTraits Traits => StorageTraits.CaseInsensitiveKeys | StorageTraits.EventuallyConsistent;

        public override StorageKeyRules KeyRules { get; } = new() { CaseInsensitive = true, MaxSegmentBytes = 100, ForbiddenCharacters = ":", ReservedNames = ["CON"] };
    }

    /// <summary>
    /// A wrapper that keeps SHA-256 and the client's last-modified time of every object (to the
    /// millisecond) and records the options each save arrived with.
    /// </summary>
    private sealed class HashingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
    {
        private readonly ConcurrentDictionary<string, (string Sha256, DateTimeOffset? LastModified)> _extra = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, SaveOptions> SaveOptionsOf { get; } = new(StringComparer.Ordinal);

        public override string EngineType => "hashing";

        public override StorageCapabilities Capabilities => base.Capabilities | StorageCapabilities.ContentHashes | StorageCapabilities.SetLastModified;

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
        {
            SaveOptionsOf[key] = options;
            var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.ToArray();
            var item = await Inner.SaveAsync(key, new MemoryStream(bytes), options with { LastModified = null, ExpectedHashes = null }, cancellationToken);
            var lastModified = options.LastModified is { } given ? new DateTimeOffset(given.UtcTicks - (given.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero) : (DateTimeOffset?)null;
            _extra[key] = (Convert.ToHexStringLower(SHA256.HashData(bytes)), lastModified);
            return Decorate(item);
        }

        protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) => Decorate(await Inner.StatAsync(key, cancellationToken));

        protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
        {
            var result = await Inner.OpenReadAsync(key, options, cancellationToken);
            return result.NotModified ? StorageReadResult.ForNotModified(Decorate(result.Item)) : new StorageReadResult(Decorate(result.Item), result.Content);
        }

        protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var entry in Inner.ListAsync(options, cancellationToken))
            {
                yield return entry.Item is null ? entry : StorageEntry.ForItem(Decorate(entry.Item));
            }
        }

        protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
        {
            var info = await base.GetInfoCoreAsync(cancellationToken);
            return info with { HashAlgorithms = [StorageHashAlgorithms.Sha256], Limits = info.Limits with { ModifiedTimePrecision = TimeSpan.FromMilliseconds(1) } };
        }

        private StorageItem Decorate(StorageItem item) => _extra.TryGetValue(item.Key, out var extra)
            ? item with { Hashes = new Dictionary<string, string> { [StorageHashAlgorithms.Sha256] = extra.Sha256 }, LastModified = extra.LastModified }
            : item;
    }
}
