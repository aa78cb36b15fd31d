namespace Atomiton.Storage.Tests.Abstractions;

public sealed class StorageItemTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static StorageItem Item(IReadOnlyDictionary<string, string>? metadata = null) => new()
    {
        Key = "k",
        Size = 3,
        Created = Now,
        Updated = Now,
        ETag = "\"e\"",
        ContentType = "text/plain",
        Metadata = metadata ?? StorageItem.EmptyMetadata,
    };

    [Fact]
    public void Items_are_equal_when_every_field_and_the_metadata_content_are()
    {
        var a = Item(new Dictionary<string, string> { ["x"] = "1" });
        var b = Item(new Dictionary<string, string> { ["x"] = "1" });

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Items_differ_when_metadata_or_any_field_differs()
    {
        var item = Item(new Dictionary<string, string> { ["x"] = "1" });

        Assert.NotEqual(item, Item(new Dictionary<string, string> { ["x"] = "2" }));
        Assert.NotEqual(item, Item(new Dictionary<string, string> { ["y"] = "1" }));
        Assert.NotEqual(item, Item());
        Assert.NotEqual(item, item with { ETag = "\"f\"" });
        Assert.NotEqual(item, item with { Updated = Now.AddSeconds(1) });
        Assert.NotEqual(item, item with { ContentType = null });
        Assert.False(item.Equals(null));
    }

    [Fact]
    public void Entries_are_items_or_prefixes()
    {
        var item = Item();
        var entry = StorageEntry.ForItem(item);
        Assert.Equal("k", entry.Key);
        Assert.False(entry.IsPrefix);
        Assert.Same(item, entry.Item);

        var prefix = StorageEntry.ForPrefix("a/");
        Assert.True(prefix.IsPrefix);
        Assert.False(prefix.IsObject);
        Assert.Null(prefix.Item);
        Assert.Throws<ArgumentNullException>(() => StorageEntry.ForItem(null!));
    }

    [Fact]
    public void A_keys_only_entry_is_an_object_without_an_item()
    {
        var entry = StorageEntry.ForKey("a/b");

        Assert.True(entry.IsObject);
        Assert.False(entry.IsPrefix);
        Assert.Null(entry.Item);
        Assert.True(StorageEntry.ForItem(Item()).IsObject);
    }

    [Theory]
    [InlineData("a/")]
    [InlineData("")]
    public void ForKey_refuses_what_is_not_an_object_key(string key) =>
        Assert.ThrowsAny<ArgumentException>(() => StorageEntry.ForKey(key));

    [Theory]
    [InlineData("a")]
    [InlineData("")]
    public void ForPrefix_refuses_what_does_not_end_with_a_slash(string prefix) =>
        Assert.ThrowsAny<ArgumentException>(() => StorageEntry.ForPrefix(prefix));

    [Fact]
    public void Keys_only_is_off_by_default_and_copied_with_the_other_options()
    {
        var options = new ListOptions { Prefix = "p/", KeysOnly = true };

        Assert.False(ListOptions.Default.KeysOnly);
        Assert.True((options with { StartAfter = "p/x" }).KeysOnly);
        Assert.NotEqual(options, options with { KeysOnly = false });
    }

    [Fact]
    public void Read_results_own_and_dispose_their_stream()
    {
        var stream = new MemoryStream([1, 2, 3]);
        var result = new StorageReadResult(Item(), stream);
        result.Dispose();
        Assert.False(stream.CanRead);

        var notModified = StorageReadResult.ForNotModified(Item());
        Assert.True(notModified.NotModified);
        Assert.Same(Stream.Null, notModified.Content);
        Assert.Throws<ArgumentNullException>(() => new StorageReadResult(null!, Stream.Null));
        Assert.Throws<ArgumentNullException>(() => new StorageReadResult(Item(), null!));
    }
}
