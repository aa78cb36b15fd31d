using Atomiton.Storage.Plugins.Browser.LocalStorage;
using Atomiton.Storage.Testing;
using PuppeteerSharp;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>The conformance kit over <c>localstorage</c> in headless Chromium, through the circuit's IJSRuntime (Interactive Server).</summary>
/// <remarks>The origin's few megabytes of localStorage are shared by every case: each case runs in its own namespace and removes it afterwards.</remarks>
[Collection(BrowserTests.Name)]
public sealed class LocalStorageConformanceTests(BrowserFixture browser) : StorageConformanceTests
{
    private readonly List<string> _namespaces = [];

    protected override bool EngineTakesClock => true;

    protected override int ManyKeysCount => 500;

    // Below the engine's 1 MiB MaxObjectSize.
    protected override long LargeObjectSize => 768 * 1024;

    protected override int ChunkSize => BrowserEngine.InlineSaveLimit;

    protected override int ModelCheckRuns => 10;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.SharedPageAsync();
        string name = "kit-" + Guid.NewGuid().ToString("N");
        lock (_namespaces)
        {
            _namespaces.Add(name);
        }

        return new LocalStorageEngine(page.Runtime, new LocalStorageOptions { Namespace = name }, Clock);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (BrowserFixture.ChromiumPath is null)
        {
            return;
        }

        var page = await browser.SharedPageAsync();
        foreach (string name in _namespaces)
        {
            await page.Page.EvaluateFunctionAsync(
                "prefix => { for (const k of Object.keys(localStorage)) if (k.startsWith(prefix)) localStorage.removeItem(k); }",
                "atomiton:" + name + ":");
        }
    }
}
