using Atomiton.Storage.Encrypted;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>Parsing raw keys and <c>id=key</c> lists: problems name the entry or id, never the value.</summary>
public sealed class KeyMaterialTests
{
    [Fact]
    public void Base64_and_hex_forms_of_the_same_key_parse_alike()
    {
        Assert.True(KeyMaterial.TryParse(KeyA, out var fromBase64));
        Assert.True(KeyMaterial.TryParse("  " + Convert.ToHexString(fromBase64) + "\n", out var fromHex));

        Assert.Equal(fromBase64, fromHex);
        Assert.Equal(32, fromBase64.Length);
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    [InlineData("zz000000000000000000000000000000000000000000000000000000000000zz")]
    public void Text_that_is_not_a_32_byte_key_does_not_parse(string text)
    {
        Assert.False(KeyMaterial.TryParse(text, out _));
    }

    [Fact]
    public void A_list_parses_every_pair_with_either_separator()
    {
        var (keys, problem) = KeyMaterial.ParsePairs($"old={KeyA}; older = {KeyB} ,");

        Assert.Null(problem);
        Assert.Equal(["old", "older"], keys.Select(k => k.Id));
        Assert.Equal(Convert.FromHexString(KeyB), keys[1].Key);
    }

    [Theory]
    [InlineData("nokeyhere", 1)]
    [InlineData("=KEY", 1)]
    [InlineData("good=KEY,bad id=KEY", 2)]
    [InlineData("good=KEY;seventeen-chars-x=KEY", 2)]
    public void An_entry_without_a_valid_id_is_reported_by_position_without_the_value(string template, int position)
    {
        var (_, problem) = KeyMaterial.ParsePairs(template.Replace("KEY", KeyA, StringComparison.Ordinal));

        Assert.NotNull(problem);
        Assert.Contains($"entry {position} must be 'id=key'", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pair_whose_key_is_bad_is_reported_by_id_without_the_value()
    {
        var (keys, problem) = KeyMaterial.ParsePairs($"good={KeyA},broken=c2VjcmV0LWJ1dC1zaG9ydA==");

        Assert.NotNull(problem);
        Assert.Contains("the key of 'broken'", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LWJ1dC1zaG9ydA==", problem, StringComparison.Ordinal);
        Assert.Single(keys);
    }

    [Fact]
    public async Task A_previous_keys_entry_without_an_id_fails_engine_creation_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => WithKeyAsync(new Atomiton.Storage.Memory.MemoryEngine(), previousKeys: KeyB));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("'previousKeys'", error.Message, StringComparison.Ordinal);
        Assert.Contains("entry 1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyB, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
