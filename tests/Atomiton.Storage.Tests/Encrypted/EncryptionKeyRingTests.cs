using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The key ring built in code: its checks, and that no message or ToString shows key material.</summary>
public sealed class EncryptionKeyRingTests
{
    private static readonly byte[] Material = Convert.FromBase64String(KeyA);

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void A_key_that_is_not_32_bytes_is_refused_naming_the_id_and_the_length(int length)
    {
        var ring = new EncryptionKeyRing("k1");

        var error = Assert.Throws<ArgumentException>(() => ring.Add("k1", Material.AsSpan(0, Math.Min(length, 32)).ToArray().Concat(new byte[Math.Max(0, length - 32)]).ToArray()));

        Assert.Equal("key", error.ParamName);
        Assert.Contains("'k1'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{length} bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(ring.KeyIds);
    }

    [Fact]
    public void A_second_key_under_the_same_id_is_refused_and_the_first_is_kept()
    {
        var ring = new EncryptionKeyRing("k1").Add("k1", Material);

        var error = Assert.Throws<ArgumentException>(() => ring.Add("k1", new byte[32]));

        Assert.Equal("keyId", error.ParamName);
        Assert.Contains("'k1' is already in the ring", error.Message, StringComparison.Ordinal);
        Assert.True(ring.TryGet("k1", out var kept));
        Assert.Equal(Material, kept.Material);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("seventeen-chars-x")]
    [InlineData("slash/id")]
    public void An_invalid_id_is_refused_when_adding_or_creating(string id)
    {
        var onCreate = Assert.Throws<ArgumentException>(() => new EncryptionKeyRing(id));
        var onAdd = Assert.Throws<ArgumentException>(() => new EncryptionKeyRing("k1").Add(id, Material));

        Assert.Contains($"'{id}' is invalid", onCreate.Message, StringComparison.Ordinal);
        Assert.Contains($"'{id}' is invalid", onAdd.Message, StringComparison.Ordinal);
        Assert.Equal("keyId", onAdd.ParamName);
    }

    [Fact]
    public void The_ring_keeps_its_own_copy_of_the_key()
    {
        var material = (byte[])Material.Clone();
        var ring = new EncryptionKeyRing("k1").Add("k1", material);

        material[0] ^= 0xff;

        Assert.True(ring.TryGet("k1", out var key));
        Assert.Equal(Material, key.Material);
    }

    [Fact]
    public void An_engine_whose_active_id_has_no_key_fails_with_InvalidConfiguration_naming_the_id()
    {
        var ring = new EncryptionKeyRing("active").Add("other", Material);

        var error = Assert.Throws<StorageException>(() => new EncryptedEngine(new MemoryEngine(), ring));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal(EncryptedEngine.TypeName, error.Provider);
        Assert.Contains("'active' has no key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_shows_its_id_only()
    {
        var key = new EncryptionKey("k1", Material);

        Assert.Equal("EncryptionKey(k1)", key.ToString());
        Assert.DoesNotContain(Convert.ToHexString(Material), key.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_key_check_is_the_documented_value_and_not_the_key()
    {
        var key = new EncryptionKey("k1", Material);

        Assert.Equal("2fcfebf77f69412a", Convert.ToHexStringLower(key.KeyCheck));
    }
}
