namespace Atomiton.Storage.Tests.Abstractions;

public sealed class StorageMetadataTests
{
    [Fact]
    public void Null_and_valid_metadata_pass()
    {
        StorageMetadata.Validate(null, "k");
        StorageMetadata.Validate(new Dictionary<string, string> { ["a-b_c.9"] = "any value, ünïcode", ["empty"] = "" }, "k");
    }

    [Theory]
    [InlineData("", "v", "names must have 1 to 64 characters")]
    [InlineData("Upper", "v", "lowercase ASCII letters")]
    [InlineData("sp ace", "v", "lowercase ASCII letters")]
    [InlineData("ok", "tab\there", "control character")]
    [InlineData("ok", null, "the value is null")]
    public void Invalid_entries_are_refused_naming_the_entry_key_and_rule(string name, string? value, string rule)
    {
        var error = Assert.Throws<StorageException>(() => StorageMetadata.Validate(new Dictionary<string, string> { [name] = value! }, "docs/a", "memory"));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("docs/a", error.Message, StringComparison.Ordinal);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Equal(("docs/a", "memory", "save"), (error.Key, error.Provider, error.Operation));
    }

    [Fact]
    public void Lengths_are_limited_per_name_per_value_and_in_total()
    {
        StorageMetadata.Validate(new Dictionary<string, string> { [new string('n', 64)] = new string('v', 1024) }, "k");
        Assert.Throws<StorageException>(() => StorageMetadata.Validate(new Dictionary<string, string> { [new string('n', 65)] = "v" }, "k"));
        Assert.Contains("longer than 1024", Assert.Throws<StorageException>(() => StorageMetadata.Validate(new Dictionary<string, string> { ["v"] = new string('v', 1025) }, "k")).Message, StringComparison.Ordinal);

        var tooMuch = Enumerable.Range(0, 9).ToDictionary(i => $"k{i}", _ => new string('v', 1000));
        var error = Assert.Throws<StorageException>(() => StorageMetadata.Validate(tooMuch, "k"));
        Assert.Contains("at most 8192", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Freeze_copies_so_later_changes_do_not_leak_in()
    {
        var source = new Dictionary<string, string> { ["a"] = "1" };
        var frozen = StorageMetadata.Freeze(source);
        source["a"] = "2";
        source["b"] = "3";

        Assert.Equal("1", frozen["a"]);
        Assert.Single(frozen);
        Assert.Same(StorageItem.EmptyMetadata, StorageMetadata.Freeze(null));
        Assert.Same(StorageItem.EmptyMetadata, StorageMetadata.Freeze(new Dictionary<string, string>()));
    }
}
