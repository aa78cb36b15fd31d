using Atomiton.Storage.Plugins.Browser.Interop;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The WebAssembly listing page as the module's <c>idbListFlat</c> answers it (a flat array of strings, read without
/// JSON): every entry kind read back exactly, the module's error passed on, and a page of another shape refused with
/// an error naming the listing rather than an exception from the middle of the walk. The same pages through a real
/// page are checked by <see cref="WebAssemblySelfCheckTests"/>.
/// </summary>
public sealed class FlatListingPageTests
{
    private const string Ticks = "639000000000000000";

    [Fact]
    public void Prefixes_keys_and_items_with_and_without_type_and_metadata_read_back_exactly()
    {
        string[] flat =
        [
            "", "1",
            "p", "docs/",
            "k", "a \"quoted\" key",
            "i", "b/1", "3", Ticks, "639000000000000001", "e1", "-", "0",
            "i", "b/😀", "0", Ticks, Ticks, "e2", "+text/plain; charset=utf-8", "2", "owner", "ada", "empty", "",
            "i", "b/typed-empty", "12", Ticks, Ticks, "e3", "+", "0",
        ];

        var (page, error, _) = JsListPage.FromFlat(flat, "");

        Assert.Null(error);
        Assert.True(page!.More);
        var entries = page.Entries.Select(e => e.ToEntry()).ToList();
        Assert.Equal(["docs/", "a \"quoted\" key", "b/1", "b/😀", "b/typed-empty"], entries.Select(e => e.Key));
        Assert.True(entries[0].IsPrefix);
        Assert.Null(entries[1].Item);
        var plain = entries[2].Item!;
        Assert.Equal((3L, "e1", (string?)null), (plain.Size, plain.ETag, plain.ContentType));
        Assert.Equal(new DateTimeOffset(639000000000000000, TimeSpan.Zero), plain.Created);
        Assert.Equal(new DateTimeOffset(639000000000000001, TimeSpan.Zero), plain.Updated);
        Assert.Empty(plain.Metadata);
        var described = entries[3].Item!;
        Assert.Equal("text/plain; charset=utf-8", described.ContentType);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "ada", ["empty"] = "" }, described.Metadata);
        Assert.Equal("", entries[4].Item!.ContentType);
    }

    [Fact]
    public void The_last_page_says_so_and_an_empty_page_has_no_entries()
    {
        var (page, error, _) = JsListPage.FromFlat(["", "0"], "none/");
        Assert.Null(error);
        Assert.False(page!.More);
        Assert.Empty(page.Entries);
    }

    [Fact]
    public void The_modules_error_is_passed_on_with_its_message()
    {
        var (page, error, message) = JsListPage.FromFlat(["InvalidStateError", "The database connection is closing."], "x/");
        Assert.Null(page);
        Assert.Equal("InvalidStateError", error);
        Assert.Equal("The database connection is closing.", message);
    }

    [Theory]
    [InlineData(new[] { "" }, "without its status (1 of 2 strings)")]
    [InlineData(new[] { "", "0", "i", "k", "3", Ticks }, "ends early")]
    [InlineData(new[] { "", "0", "i", "k", "three", Ticks, Ticks, "e", "-", "0" }, "'three'")]
    [InlineData(new[] { "", "0", "i", "k", "3", "yesterday", Ticks, "e", "-", "0" }, "'yesterday'")]
    [InlineData(new[] { "", "0", "i", "k", "3", Ticks, Ticks, "e", "-", "2", "owner", "ada" }, "ends early")]
    [InlineData(new[] { "", "0", "x", "k" }, "'x' at 2 is no entry kind")]
    public void A_page_of_another_shape_is_refused_naming_the_listing(string[] flat, string detail)
    {
        var (page, error, message) = JsListPage.FromFlat(flat, "reports/");
        Assert.Null(page);
        Assert.Equal("Malformed", error);
        Assert.Contains("listing of 'reports/'", message, StringComparison.Ordinal);
        Assert.Contains(detail, message, StringComparison.Ordinal);
        Assert.Contains("Reload the page", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_string_in_the_page_is_refused()
    {
        var (page, error, message) = JsListPage.FromFlat(["", "0", "k", null!], "");
        Assert.Null(page);
        Assert.Equal("Malformed", error);
        Assert.Contains("no string at 3", message, StringComparison.Ordinal);
    }
}
