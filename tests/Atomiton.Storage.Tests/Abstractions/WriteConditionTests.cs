namespace Atomiton.Storage.Tests.Abstractions;

public sealed class WriteConditionTests
{
    [Fact]
    public void None_is_the_default_and_is_satisfied_by_anything()
    {
        Assert.Equal(default, WriteCondition.None);
        Assert.Equal(WriteConditionKind.None, WriteCondition.None.Kind);
        Assert.True(WriteCondition.None.IsSatisfiedBy(null));
        Assert.True(WriteCondition.None.IsSatisfiedBy("\"e1\""));
        Assert.Equal("none", WriteCondition.None.ToString());
    }

    [Fact]
    public void IfNotExists_is_satisfied_only_by_an_absent_key()
    {
        Assert.True(WriteCondition.IfNotExists.IsSatisfiedBy(null));
        Assert.False(WriteCondition.IfNotExists.IsSatisfiedBy("\"e1\""));
        Assert.Null(WriteCondition.IfNotExists.ETag);
        Assert.Equal("if-not-exists", WriteCondition.IfNotExists.ToString());
    }

    [Fact]
    public void IfMatch_is_satisfied_only_by_the_same_ETag_compared_ordinally()
    {
        var condition = WriteCondition.IfMatch("\"e1\"");
        Assert.True(condition.IsSatisfiedBy("\"e1\""));
        Assert.False(condition.IsSatisfiedBy("\"E1\""));
        Assert.False(condition.IsSatisfiedBy(null));
        Assert.Equal("if-match \"e1\"", condition.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void IfMatch_needs_an_ETag(string? etag) => Assert.ThrowsAny<ArgumentException>(() => WriteCondition.IfMatch(etag!));

    [Fact]
    public void ToConflict_names_the_key_and_says_nothing_changed()
    {
        var exists = WriteCondition.IfNotExists.ToConflict("k", "memory", "save");
        Assert.Equal(StorageErrorCode.Conflict, exists.Code);
        Assert.Contains("already exists", exists.Message, StringComparison.Ordinal);
        Assert.Equal(("k", "memory", "save"), (exists.Key, exists.Provider, exists.Operation));

        var mismatch = WriteCondition.IfMatch("\"e1\"").ToConflict("k", "memory", "copy");
        Assert.Equal(StorageErrorCode.Conflict, mismatch.Code);
        Assert.Contains("\"e1\"", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", mismatch.Message, StringComparison.Ordinal);
        Assert.Equal("copy", mismatch.Operation);
    }
}
