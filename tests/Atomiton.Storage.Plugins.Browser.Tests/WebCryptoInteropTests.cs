using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Browser.Encrypted;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The encrypted stage on the browser's WebCrypto (what WebAssembly apps use) against .NET's AES-GCM, driven from
/// this process through a page's circuit: the same stored bytes both ways, the document's test vectors, and
/// tampering refused. Objects here stay within one segment (a sealed 64 KiB segment would not fit a circuit's 32 KB
/// browser-to-server message); multi-segment objects and 50 MiB go through WebCrypto inside WebAssembly
/// (<see cref="WebAssemblySelfCheckTests"/>).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebCryptoInteropTests(BrowserFixture browser)
{
    private static readonly byte[] RingKey = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [SkippableFact]
    public async Task An_object_sealed_by_WebCrypto_is_opened_by_dotnet_and_the_other_way_round()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.SharedPageAsync();
        await using var ciphers = new WebCryptoSegmentCipherFactory(page.Runtime);
        var store = new MemoryEngine();
        await using var webCrypto = new EncryptedEngine(store, Ring(), null, null, ownsInner: false, ciphers);
        await using var dotnet = new EncryptedEngine(store, Ring(), ownsInner: false);
        var random = new Random(20);
        foreach (int size in new[] { 0, 1, 1000, 20_000 })
        {
            byte[] content = new byte[size];
            random.NextBytes(content);
            await webCrypto.SaveAsync($"web/{size}", content);
            await dotnet.SaveAsync($"net/{size}", content);
            Assert.Equal(content, await dotnet.LoadBytesAsync($"web/{size}"));
            Assert.Equal(content, await webCrypto.LoadBytesAsync($"net/{size}"));
            Assert.Equal((await store.StatAsync($"web/{size}")).Size, (await store.StatAsync($"net/{size}")).Size);
        }

        // A range read through WebCrypto: only the covered segment, skipped into.
        Assert.Equal((await dotnet.LoadBytesAsync("web/20000")).AsSpan(100, 50).ToArray(), await webCrypto.LoadBytesAsync("net/20000", new ReadOptions { Range = ByteRange.From(100, 50) }));
    }

    [SkippableFact]
    public async Task WebCrypto_opens_the_documented_test_vectors()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.SharedPageAsync();
        await using var ciphers = new WebCryptoSegmentCipherFactory(page.Runtime);
        var store = new MemoryEngine();
        await using var webCrypto = new EncryptedEngine(store, Ring(), null, null, ownsInner: false, ciphers);

        // docs/encryption-format.md, v1 and v2 (sealed by .NET and by the Python appendix).
        await store.SaveAsync("docs/hello.txt", Convert.FromHexString("415453450110026b3100000000000000000000000000002fcfebf77f69412aa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b66295a518f539d0120b53ca3ed5fa667213a894780a0ff8c8345b3333f9e92d16"));
        await store.SaveAsync("empty", Convert.FromHexString("415453450110026b3100000000000000000000000000002fcfebf77f69412aa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6dcf246db18144416174e218409207a90"));
        Assert.Equal("Hello, Atomiton!"u8.ToArray(), await webCrypto.LoadBytesAsync("docs/hello.txt"));
        Assert.Empty(await webCrypto.LoadBytesAsync("empty"));
    }

    [SkippableFact]
    public async Task WebCrypto_refuses_tampered_and_swapped_objects_as_dotnet_does()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.SharedPageAsync();
        await using var ciphers = new WebCryptoSegmentCipherFactory(page.Runtime);
        var store = new MemoryEngine();
        await using var webCrypto = new EncryptedEngine(store, Ring(), null, null, ownsInner: false, ciphers);
        await using var dotnet = new EncryptedEngine(store, Ring(), ownsInner: false);
        byte[] content = new byte[5000];
        new Random(21).NextBytes(content);
        await dotnet.SaveAsync("a", content);
        await webCrypto.SaveAsync("b", content);
        byte[] stored = await store.LoadBytesAsync("a");

        foreach (int offset in new[] { 40, 54, 2000, stored.Length - 1 }) // salt, first ciphertext byte, middle, tag
        {
            byte[] damaged = (byte[])stored.Clone();
            damaged[offset] ^= 0x01;
            await store.SaveAsync("damaged", damaged);
            var web = await Assert.ThrowsAsync<StorageException>(async () => await webCrypto.LoadBytesAsync("damaged"));
            var net = await Assert.ThrowsAsync<StorageException>(async () => await dotnet.LoadBytesAsync("damaged"));
            Assert.Equal(StorageErrorCode.Integrity, web.Code);
            Assert.Equal(net.Code, web.Code);
        }

        // An object copied over another's key is refused (the key is in the associated data).
        await store.SaveAsync("b", stored);
        var swapped = await Assert.ThrowsAsync<StorageException>(async () => await webCrypto.LoadBytesAsync("b"));
        Assert.Equal(StorageErrorCode.Integrity, swapped.Code);
    }

    private static EncryptionKeyRing Ring() => new EncryptionKeyRing("k1").Add("k1", RingKey);
}
