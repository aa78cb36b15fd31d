using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The .NET side of the WebAssembly page's interop check (SelfCheckRunner.InteropAsync in the flows sample):
/// the same ring key (bytes 0..31, id k1), object keys and plaintext (150,001 bytes, byte i = i mod 251: three segments).
/// </summary>
internal static class WebCryptoInterop
{
    /// <summary>The sessionStorage item the page reads the .NET-sealed object from (SelfCheckRunner.InteropInputItem).</summary>
    public const string InputItem = "atomiton-interop-sealed";

    public static byte[] Plaintext { get; } = [.. Enumerable.Range(0, 150_001).Select(i => (byte)(i % 251))];

    /// <summary>The object the page opens, sealed by .NET's AES-GCM under the key the page loads it by.</summary>
    public static async Task<byte[]> DesktopSealedAsync()
    {
        var store = new MemoryEngine();
        await using var engine = new EncryptedEngine(store, Ring(), ownsInner: false);
        await engine.SaveAsync("interop/desktop.bin", Plaintext);
        return await store.LoadBytesAsync("interop/desktop.bin");
    }

    /// <summary>Opens, with .NET's AES-GCM, the object the page sealed with WebCrypto.</summary>
    public static async Task<byte[]> OpenBrowserSealedAsync(byte[] sealedObject)
    {
        var store = new MemoryEngine();
        await store.SaveAsync("interop/browser.bin", sealedObject);
        await using var engine = new EncryptedEngine(store, Ring(), ownsInner: false);
        return await engine.LoadBytesAsync("interop/browser.bin");
    }

    private static EncryptionKeyRing Ring() => new EncryptionKeyRing("k1").Add("k1", [.. Enumerable.Range(0, 32).Select(i => (byte)i)]);
}
