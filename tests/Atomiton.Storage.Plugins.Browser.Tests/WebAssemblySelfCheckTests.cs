using System.Text.Json;
using Xunit.Abstractions;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The byte and stream handling of both engines inside the WebAssembly runtime: the flows sample's /selfcheck
/// page runs the checks once (WebAssembly starts once) and each test reads its part of the report. The sample
/// used as a person would is <see cref="ReadmeCommandTests"/>.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebAssemblySelfCheckTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const long Large = 50L * 1024 * 1024;

    // Half the object: a save or load that held the object (or its ciphertext) would retain more.
    private const long RetainedLimit = 24L * 1024 * 1024;

    [SkippableFact]
    public async Task In_WebAssembly_both_engines_round_trip_every_size_and_range()
    {
        var root = await SelfCheckAsync();
        Assert.Equal("browser-wasm", root.GetProperty("runtime").GetString());
        foreach (string engine in new[] { "indexeddb", "localstorage" })
        {
            var lines = root.GetProperty(engine).EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal([$"{engine}: 9 sizes checked"], lines);
        }
    }

    [SkippableFact]
    public async Task In_WebAssembly_a_50_MiB_object_saves_and_loads_through_cached_encrypted_indexeddb_in_bounded_memory()
    {
        var large = (await SelfCheckAsync()).GetProperty("large");
        Assert.Equal("cached → encrypted → indexeddb", large.GetProperty("chain").GetString());
        Assert.True(large.GetProperty("same").GetBoolean());
        Assert.Equal(Large, large.GetProperty("loaded").GetInt64());
        Assert.True(large.GetProperty("saveRetainedHalfway").GetInt64() < RetainedLimit, large.ToString());
        Assert.True(large.GetProperty("loadRetainedHalfway").GetInt64() < RetainedLimit, large.ToString());
    }

    [SkippableFact]
    public async Task In_WebAssembly_the_encrypted_stage_on_WebCrypto_reads_and_writes_the_same_format_as_dotnet()
    {
        var interop = (await SelfCheckAsync()).GetProperty("interop");

        // .NET sealed it (WebCryptoInterop.DesktopSealedAsync, left in the page's sessionStorage); WebCrypto in WebAssembly opened it.
        Assert.Equal("same", interop.GetProperty("desktopOpened").GetString());

        // WebCrypto in WebAssembly sealed it; .NET opens it.
        byte[] browserSealed = Convert.FromBase64String(interop.GetProperty("browserSealed").GetString()!);
        Assert.Equal(WebCryptoInterop.Plaintext, await WebCryptoInterop.OpenBrowserSealedAsync(browserSealed));

        // A bit flipped in the second segment of the .NET-sealed object: refused in the browser as on .NET.
        Assert.Equal(nameof(StorageErrorCode.Integrity), interop.GetProperty("damagedOpened").GetString());
        browserSealed[browserSealed.Length / 2] ^= 0x01;
        var refused = await Assert.ThrowsAsync<StorageException>(() => WebCryptoInterop.OpenBrowserSealedAsync(browserSealed));
        Assert.Equal(StorageErrorCode.Integrity, refused.Code);
    }

    /// <summary>The page's one self-check run for this class (WebAssembly starts once), failing the test that asks when it failed.</summary>
    private async Task<JsonElement> SelfCheckAsync()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var root = await browser.WebAssemblySelfCheckAsync();
        output.WriteLine(root.ToString());
        Assert.False(root.TryGetProperty("failure", out var failure), failure.ToString());
        return root;
    }
}
