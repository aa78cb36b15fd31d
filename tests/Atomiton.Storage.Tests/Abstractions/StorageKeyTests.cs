namespace Atomiton.Storage.Tests.Abstractions;

public sealed class StorageKeyTests
{
    [Theory]
    [InlineData(null, "it is null")]
    [InlineData("", "it is empty")]
    [InlineData("/a", "starts with '/'")]
    [InlineData("a/", "ends with '/'")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a/./b", "'.' segment")]
    [InlineData("a/..", "'..' segment")]
    [InlineData("a\\b", "backslash at position 1")]
    [InlineData("ab\u0007", "control character U+0007 at position 2")]
    public void Validate_names_the_rule_a_key_broke(string? key, string rule)
    {
        var error = Assert.Throws<StorageException>(() => StorageKey.Validate(key, "memory", "save"));

        Assert.Equal(StorageErrorCode.InvalidKey, error.Code);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Contains("docs/contract.md", error.Message, StringComparison.Ordinal);
        Assert.Equal(key, error.Key);
        Assert.Equal("memory", error.Provider);
        Assert.Equal("save", error.Operation);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Unpaired_surrogates_are_refused_naming_their_position()
    {
        // Built here rather than in InlineData: xunit serialises theory data as UTF-8, which would replace them.
        foreach (var (key, position) in new[] { ("\uD800x", 0), ("x\uDC00", 1), ("x\uD800", 1), ("\uDE00\uD83D", 0) })
        {
            var error = Assert.Throws<StorageException>(() => StorageKey.Validate(key));
            Assert.Contains($"unpaired surrogate at position {position}", error.Message, StringComparison.Ordinal);
        }

        StorageKey.Validate("emoji \uD83D\uDE00 pair");
    }

    [Fact]
    public void Keys_over_the_byte_limits_are_refused_naming_the_limit()
    {
        Assert.Contains("longer than 1024 UTF-8 bytes", Assert.Throws<StorageException>(() => StorageKey.Validate(string.Join('/', Enumerable.Repeat(new string('a', 200), 6)))).Message, StringComparison.Ordinal);
        Assert.Contains("segment is longer than 255", Assert.Throws<StorageException>(() => StorageKey.Validate(new string('é', 128))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a/b/c.json")]
    [InlineData(" spaced /~tilde/.hidden/trailing.")]
    [InlineData("世界/😀")]
    [InlineData("...")]
    [InlineData("%2e%2e")]
    public void Valid_keys_pass(string key)
    {
        StorageKey.Validate(key);
        Assert.True(StorageKey.IsValid(key, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void IsValid_reports_the_problem_without_throwing()
    {
        Assert.False(StorageKey.IsValid("a//b", out var problem));
        Assert.Equal("it has an empty segment ('//')", problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/")]
    [InlineData("flows/fl")]
    [InlineData("a/.")]
    [InlineData("a/..")]
    public void Valid_prefixes_pass(string prefix) => StorageKey.ValidatePrefix(prefix);

    [Theory]
    [InlineData(null, "it is null")]
    [InlineData("/a", "starts with '/'")]
    [InlineData("a//", "empty segment")]
    [InlineData("a/../b", "'..' segment")]
    public void Invalid_prefixes_are_refused_naming_the_rule(string? prefix, string rule)
    {
        var error = Assert.Throws<StorageException>(() => StorageKey.ValidatePrefix(prefix, "memory", "list"));
        Assert.Equal(StorageErrorCode.InvalidKey, error.Code);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_show_control_characters_escaped_and_long_keys_shortened()
    {
        Assert.Contains("'a\\u0001b'", Assert.Throws<StorageException>(() => StorageKey.Validate("a\u0001b")).Message, StringComparison.Ordinal);
        var longKey = new string('k', 2000);
        var message = Assert.Throws<StorageException>(() => StorageKey.Validate(longKey)).Message;
        Assert.Contains(new string('k', 80) + "…'", message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('k', 81), message, StringComparison.Ordinal);
        Assert.Contains("<null>", Assert.Throws<StorageException>(() => StorageKey.Validate(null)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "")]
    [InlineData("a/b", "a/")]
    [InlineData("a/b/c.txt", "a/b/")]
    public void ParentPrefix_is_the_folder_of_a_key(string key, string parent) => Assert.Equal(parent, StorageKey.ParentPrefix(key));

    [Fact]
    public void ParentPrefix_of_null_throws() => Assert.Throws<ArgumentNullException>(() => StorageKey.ParentPrefix(null!));
}
