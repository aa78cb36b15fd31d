using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The conformance kit over <c>indexeddb</c> in headless Chromium, through the circuit's IJSRuntime (Interactive Server),
/// with the test host's HTTP transport carrying large content beside the circuit, as a Blazor Server app that maps it
/// does (the localstorage kit moves content through the circuit alone).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class IndexedDbConformanceTests(BrowserFixture browser) : StorageConformanceTests
{
    private string? _database;

    protected override bool EngineTakesClock => true;

    // Scaled for a real browser on a shared 2-core machine; every interop call is a round trip.
    protected override int ManyKeysCount => 1_000;

    protected override long LargeObjectSize => 4L * 1024 * 1024;

    protected override int ChunkSize => BrowserEngine.InlineSaveLimit;

    protected override int ModelCheckRuns => 10;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.SharedPageAsync();
        _database = "kit-" + Guid.NewGuid().ToString("N");
        return new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = _database }, Clock, browser.Transport);
    }

    protected override async ValueTask<IStorageEngine?> ReopenEngineAsync()
    {
        var page = await browser.SharedPageAsync();
        return new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = _database! }, Clock, browser.Transport);
    }
}
