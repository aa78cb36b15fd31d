using System.Text;
using Atomiton.Storage.Plugins.Browser.Hosting;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Plugins.Browser.LocalStorage;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>A full localStorage, and createStorage()'s fallback chain when the page refuses IndexedDB (and localStorage).</summary>
[Collection(BrowserTests.Name)]
public sealed class QuotaAndFallbackTests(BrowserFixture browser, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Filling_localStorage_gives_QuotaExceeded_and_loses_no_earlier_object()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        // Its own browser context: an origin whose localStorage nothing else uses.
        await using var context = await browser.Browser.CreateBrowserContextAsync();
        var page = await browser.OpenAsync(context);
        await using var engine = new LocalStorageEngine(page.Runtime, new LocalStorageOptions { Namespace = "fill" });
        var random = new Random(20);
        var saved = new List<(string Key, byte[] Content)>();
        StorageException? full = null;
        for (int i = 0; i < 64 && full is null; i++)
        {
            byte[] content = new byte[512 * 1024];
            random.NextBytes(content);
            string key = $"fill/{i:D3}";
            try
            {
                await engine.SaveAsync(key, content);
                saved.Add((key, content));
            }
            catch (StorageException e)
            {
                full = e;
                Assert.False(await engine.ExistsAsync(key));
            }
        }

        Assert.NotNull(full);
        Assert.Equal(StorageErrorCode.QuotaExceeded, full.Code);
        Assert.Contains("quota", full.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(saved);
        foreach (var (key, content) in saved)
        {
            Assert.Equal(content, await engine.LoadBytesAsync(key));
        }

        var info = await engine.GetInfoAsync();
        output.WriteLine($"localStorage held {saved.Count} objects of 512 KiB ({saved.Count * 512} KiB of content, {info.Limits.QuotaUsed} bytes of UTF-16) before QuotaExceeded.");
    }

    [SkippableFact]
    public async Task CreateStorage_falls_back_to_localStorage_then_memory_when_the_page_refuses_IndexedDB()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        await using var context = await browser.Browser.CreateBrowserContextAsync();
        var page = await browser.OpenAsync(context);
        var options = new BrowserStorageOptions { Name = "fallback" };

        await using (var chosen = await BrowserStorage.CreateAsync(page.Runtime, options))
        {
            Assert.Equal(IndexedDbEngine.TypeName, (await chosen.GetInfoAsync()).EngineType);
        }

        await page.Page.EvaluateExpressionAsync("Object.defineProperty(window, 'indexedDB', { get() { return undefined; }, configurable: true })");
        var log = new ListLogger();
        await using (var chosen = await BrowserStorage.CreateAsync(page.Runtime, options, log))
        {
            Assert.Equal(LocalStorageEngine.TypeName, (await chosen.GetInfoAsync()).EngineType);
            await chosen.SaveAsync("a.txt", Encoding.UTF8.GetBytes("kept"));
            Assert.Equal("kept", Encoding.UTF8.GetString(await chosen.LoadBytesAsync("a.txt")));
        }

        var explicitEngine = await Assert.ThrowsAsync<StorageException>(async () =>
            await BrowserStorage.CreateAsync(page.Runtime, new BrowserStorageOptions { Name = "fallback", Engine = "indexeddb" }));
        Assert.Equal(StorageErrorCode.AccessDenied, explicitEngine.Code);
        Assert.Contains("IndexedDB", explicitEngine.Message, StringComparison.Ordinal);

        await page.Page.EvaluateExpressionAsync("Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); }, configurable: true })");
        await using (var chosen = await BrowserStorage.CreateAsync(page.Runtime, options, log))
        {
            Assert.Equal("memory", (await chosen.GetInfoAsync()).EngineType);
        }

        Assert.Contains(log.Lines, line => line.Level == StorageLogLevel.Warning && line.Message.Contains("kept in memory", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Pipelines_from_plugins_json_shaped_configuration_are_built_by_reference_in_the_circuit()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.SharedPageAsync();
        // The plugin host's reader binds the options: a secret is a reference, never a literal.
        string keyVariable = "ATOMITON_BROWSER_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(keyVariable, Convert.ToBase64String(new byte[32]));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["defaultPipeline"] = "secure",
            ["stages:lru:type"] = "cached",
            ["stages:vault:type"] = "encrypted",
            ["stages:vault:options:key"] = "env:" + keyVariable,
            ["stages:db:type"] = "indexeddb",
            ["stages:db:options:databaseName"] = "pipelines-" + Guid.NewGuid().ToString("N"),
            ["pipelines:secure:chain:0"] = "lru",
            ["pipelines:secure:chain:1"] = "vault",
            ["pipelines:secure:chain:2"] = "db",
            ["pipelines:broken:chain:0"] = "bad",
            ["stages:bad:type"] = "indexeddb",
            ["stages:bad:options:version"] = "0",
            ["pipelines:literal:chain:0"] = "leaky",
            ["pipelines:literal:chain:1"] = "db",
            ["stages:leaky:type"] = "encrypted",
            ["stages:leaky:options:passphrase"] = "hunter2",
            ["pipelines:plugin:chain:0"] = "gdrive",
        }).Build();
        try
        {
            var services = new ServiceCollection().AddSingleton(page.Runtime).AddAtomitonBrowserStorage(configuration).BuildServiceProvider();
            await using (services)
            {
                await using var scope = services.CreateAsyncScope();
                var pipelines = scope.ServiceProvider.GetRequiredService<IBrowserStoragePipelines>();
                var engine = await pipelines.GetAsync();
                Assert.Same(engine, await pipelines.GetAsync("secure"));
                await engine.SaveAsync("note.txt", Encoding.UTF8.GetBytes("secret"));
                Assert.Equal("secret", Encoding.UTF8.GetString(await engine.LoadBytesAsync("note.txt")));
                var info = await engine.GetInfoAsync();
                Assert.Equal(IndexedDbEngine.TypeName, Innermost(info).EngineType);

                var broken = await Assert.ThrowsAsync<StorageException>(async () => await pipelines.GetAsync("broken"));
                Assert.Equal(StorageErrorCode.InvalidConfiguration, broken.Code);
                Assert.Contains("$.stages.bad.options.version", broken.Message, StringComparison.Ordinal);
                Assert.Contains("pipeline 'broken'", broken.Message, StringComparison.Ordinal);
                Assert.Contains("option 'version'", broken.Message, StringComparison.Ordinal);

                var literal = await Assert.ThrowsAsync<StorageException>(async () => await pipelines.GetAsync("literal"));
                Assert.Equal(StorageErrorCode.InvalidConfiguration, literal.Code);
                Assert.Contains("$.stages.leaky.options.passphrase (pipeline 'literal', stage 'leaky', option 'passphrase')", literal.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("hunter2", literal.Message, StringComparison.Ordinal);

                var plugin = await Assert.ThrowsAsync<StorageException>(async () => await pipelines.GetAsync("plugin"));
                Assert.Contains("$.pipelines.plugin.chain[0]", plugin.Message, StringComparison.Ordinal);
                Assert.Contains("AddProvider<TProvider, TOptions>()", plugin.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(keyVariable, null);
        }
    }

    private static StorageInfo Innermost(StorageInfo info) => info.Inner is { } inner ? Innermost(inner) : info;

    private sealed class ListLogger : IStorageLogger
    {
        public List<(StorageLogLevel Level, string Message)> Lines { get; } = [];

        public bool IsEnabled(StorageLogLevel level) => true;

        public void Log(StorageLogLevel level, string message, Exception? exception = null)
        {
            lock (Lines)
            {
                Lines.Add((level, message));
            }
        }
    }
}
