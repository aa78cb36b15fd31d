using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>Keys and engines the encrypted tests share. Keys are fixed test values, never used anywhere else.</summary>
internal static class EncryptedTestEngines
{
    public static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    public static readonly string KeyB = Convert.ToHexString(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());

    public static StorageProviderContext Context(IStorageEngine inner) => new() { PipelineName = "p", StageName = "s", Inner = inner };

    /// <summary>Builds through the descriptor, as the host does; the engine does not own <paramref name="inner"/> unless asked, so tests can share it.</summary>
    public static async Task<EncryptedEngine> CreateAsync(IStorageEngine inner, EncryptedOptions options, bool ownsInner = false) =>
        (EncryptedEngine)await new EncryptedProvider().CreateAsync(options, Context(ownsInner ? inner : new SharedEngine(inner)));

    public static Task<EncryptedEngine> WithKeyAsync(IStorageEngine inner, string key = "", string keyId = "k1", bool encryptKeys = false, string? previousKeys = null, bool ownsInner = false, string? nameKeyId = null) =>
        CreateAsync(inner, new EncryptedOptions { Key = key.Length == 0 ? KeyA : key, KeyId = keyId, EncryptKeys = encryptKeys, PreviousKeys = previousKeys, NameKeyId = nameKeyId }, ownsInner);

    public static EncryptedOptions WeakPassphrase(string passphrase) =>
        new() { Passphrase = passphrase, WeakPbkdf2IterationsForTests = 1000 };

    public static byte[] Content(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static async Task<byte[]> InnerBytesAsync(MemoryEngine inner, string key) => await inner.LoadBytesAsync(key);
}
