namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// The order of a folder's children is the ordinal order of the keys they stand for (a folder as its
/// segment + '/'), whatever shortcut the sort takes: packed keys of 8 narrow or 4 wide characters,
/// runs of equal packed keys, names shorter than the packed window, folders and files of one segment.
/// </summary>
public sealed class FolderChildTests
{
    public static TheoryData<string, int, int> Shapes() => new()
    {
        // alphabet, count, seed
        { "ab", 300, 1 },                       // short names, long runs of equal packed keys
        { "ab-.0~z", 2000, 2 },                 // narrow characters, varied lengths
        { "abé\u00ff", 1500, 3 },               // still narrow: every character fits in a byte
        { "abĀ世", 1500, 4 },                   // wide characters: four per packed key
        { "a😀b\uFF21", 1200, 5 },              // surrogate pairs and U+FF21: UTF-16 order, not code points
        { "xy", 100, 6 },                       // below the threshold: the plain comparison sort
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Children_sort_in_ordinal_key_order(string alphabet, int count, int seed)
    {
        var random = new Random(seed);
        string commonPrefix = seed % 2 == 0 ? "shared-prefix-" : "";
        var children = new Dictionary<(string, bool), FolderChild>();
        while (children.Count < count)
        {
            int length = random.Next(0, 12);
            var segment = commonPrefix + new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            if (segment.Length == 0)
            {
                continue;
            }

            bool isFolder = random.Next(3) == 0;
            children[(segment, isFolder)] = new FolderChild(segment, segment + (isFolder ? "%2f" : ""), isFolder);
            if (random.Next(4) == 0)
            {
                // The same segment as the other kind: "x" and "x/" sort next to each other.
                children[(segment, !isFolder)] = new FolderChild(segment, segment + (!isFolder ? "%2f" : ""), !isFolder);
            }
        }

        var sorted = children.Values.ToArray();
        FolderChild.Sort(sorted);

        var expected = children.Values.Select(KeyOrder).ToList();
        expected.Sort(string.CompareOrdinal);
        Assert.Equal(expected, sorted.Select(KeyOrder));
    }

    [Fact]
    public void Start_after_keeps_a_folder_whose_keys_continue_past_it()
    {
        Assert.True(FolderChild.IsAfter("a", isFolder: true, "a/x"));
        Assert.False(FolderChild.IsAfter("a", isFolder: false, "a/x"));
        Assert.True(FolderChild.IsAfter("b", isFolder: false, "a/x"));
        Assert.False(FolderChild.IsAfter("a", isFolder: false, "a"));
        Assert.True(FolderChild.IsAfter("a", isFolder: true, "a"));
        Assert.False(FolderChild.IsAfter("a", isFolder: true, "a0"));
    }

    private static string KeyOrder(FolderChild child) => child.Segment + (child.IsFolder ? "/" : "");
}
