namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>The metadata codec: every name and value the contract allows survives Azure's rules, and plain ones are stored unchanged.</summary>
public sealed class AzureMetadataCodecTests
{
    [Theory]
    [InlineData("owner", "owner")]
    [InlineData("rev.no", "rev_dno")]
    [InlineData("empty-value", "empty_hvalue")]
    [InlineData("snake_case", "snake__case")]
    [InlineData("7days", "_n7days")]
    [InlineData("_", "__")]
    [InlineData("-._", "_h_d__")]
    public void Names_are_escaped_into_identifiers_and_back(string name, string stored)
    {
        Assert.Equal(stored, AzureMetadataCodec.EncodeName(name));
        Assert.Equal(name, AzureMetadataCodec.DecodeName(stored));
        Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", stored);
    }

    [Theory]
    [InlineData("plain ASCII value", true)]
    [InlineData("two words, ünïcødé", false)]
    [InlineData("", false)]
    [InlineData(" leading space", false)]
    [InlineData("trailing space ", false)]
    [InlineData("=?utf-8?b?looks encoded?=", false)]
    [InlineData("emoji 🎉", false)]
    public void Values_round_trip_and_only_header_safe_ones_are_stored_as_they_are(string value, bool storedAsIs)
    {
        string stored = AzureMetadataCodec.EncodeValue(value);

        Assert.Equal(value, AzureMetadataCodec.DecodeValue(stored));
        Assert.Equal(storedAsIs, stored == value);
        Assert.DoesNotMatch("[^\\x20-\\x7E]", stored);
    }

    [Fact]
    public void Names_another_client_set_are_read_as_stored()
    {
        Assert.Equal("Odd_Name", AzureMetadataCodec.DecodeName("Odd_Name"));
        Assert.Equal("=?utf-8?b?@@@?=", AzureMetadataCodec.DecodeValue("=?utf-8?b?@@@?="));
    }

    [Fact]
    public void Metadata_over_Azures_8_KiB_after_encoding_is_InvalidArgument_naming_the_key()
    {
        // 4 values of 1,000 'é': within the contract's 8 Ki characters, but 2,668 base64 bytes each as Azure stores them.
        var metadata = Enumerable.Range(0, 4).ToDictionary(i => $"k{i}", _ => new string('é', 1000));

        var error = Assert.Throws<StorageException>(() => AzureMetadataCodec.Encode(metadata, "docs/a.txt"));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Contains("docs/a.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains("8192", error.Message, StringComparison.Ordinal);
    }
}
