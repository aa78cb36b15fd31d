using System.Text;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

[Collection(RunsAlone.Name)]
public sealed class KeyEncoderTests
{
    private static readonly string[] Reserved = ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9", "conin$", "conout$"];

    public static TheoryData<string> Segments() =>
    [
        "plain.json", "File.JSON", "CON", "con", "Con.txt", "nul.tar.gz", "aux ", "com1 .txt", "lpt9", "trailing.", "trailing ",
        "...", " leading", "a:b", "q?", "star*", "pipe|", "<>", "\"quoted\"", "%2e%2e", "%", "%_tmp", "~1", "PROGRA~1",
        "世界", "emoji😀", "é", "e\u0301", "tab-free !#$&'()+,;=@[]^_`{}", "Ǆ", "ß", "İ", "K", "\u212A",
    ];

    [Theory]
    [MemberData(nameof(Segments))]
    public void Segment_round_trips_through_its_file_name(string segment)
    {
        string name = KeyEncoder.FileName(segment);

        Assert.Equal(segment, KeyEncoder.TryDecode(name));
        Assert.Equal(segment, KeyEncoder.TryDecode(KeyEncoder.DirectoryName(segment)[..^KeyEncoder.DirectorySuffix.Length]));
    }

    [Theory]
    [MemberData(nameof(Segments))]
    public void File_name_is_portable_to_windows_and_case_insensitive_filesystems(string segment)
    {
        string name = KeyEncoder.FileName(segment);

        Assert.All(name, c => Assert.True(c is >= 'a' and <= 'z' or >= '0' and <= '9' || " !#$&'()+,-.;=@[]^_`{}%".Contains(c), $"'{c}' in '{name}'"));
        Assert.False(name.EndsWith('.') || name.EndsWith(' '), name);
        string stem = name.Split('.')[0].TrimEnd(' ');
        Assert.DoesNotContain(stem, Reserved);
        Assert.False(name.StartsWith(KeyEncoder.InternalPrefix, StringComparison.Ordinal), name);
        Assert.True(name.Length + KeyEncoder.DirectorySuffix.Length <= 255, name);
    }

    [Fact]
    public void Names_that_differ_only_in_case_or_normalisation_stay_distinct_when_folded()
    {
        string[] segments = ["File.json", "file.json", "FILE.JSON", "é", "e\u0301", "K", "k", "\u212A", "ß", "ss", "SS"];

        var folded = segments.Select(s => KeyEncoder.FileName(s).ToUpperInvariant().Normalize(NormalizationForm.FormC)).ToList();

        Assert.Equal(segments.Length, folded.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Long_segments_get_short_distinct_names()
    {
        string emoji = string.Concat(Enumerable.Repeat("😀", 63)); // 252 UTF-8 bytes, 756 characters escaped
        string a = new string('x', 254) + "a";
        string b = new string('x', 254) + "b";

        string[] names = [KeyEncoder.Encode(emoji, out bool emojiLong), KeyEncoder.Encode(a, out bool aLong), KeyEncoder.Encode(b, out _)];

        Assert.True(emojiLong && aLong);
        Assert.All(names, name => Assert.True(name.Length <= KeyEncoder.MaxVerbatimLength, name));
        Assert.Equal(3, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, name => Assert.Null(KeyEncoder.TryDecode(name)));
    }

    [Theory]
    [InlineData("File.json")]
    [InlineData("%61")]
    [InlineData("%2E")]
    [InlineData("con")]
    [InlineData("trailing.")]
    [InlineData("%_tmp")]
    [InlineData("%zz")]
    [InlineData("%e9")]
    public void Names_the_encoder_never_writes_are_not_decoded(string name) => Assert.Null(KeyEncoder.TryDecode(name));

    [Fact]
    public void Random_segments_round_trip()
    {
        var random = new Random(4);
        for (int i = 0; i < 5000; i++)
        {
            var builder = new StringBuilder();
            int length = random.Next(1, 80);
            while (builder.Length < length)
            {
                int codePoint = random.Next(4) switch
                {
                    0 => random.Next(0x20, 0x7F),
                    1 => random.Next(0xA0, 0x800),
                    2 => random.Next(0x3000, 0xD7FF),
                    _ => random.Next(0x10000, 0x10FFFF),
                };
                if (codePoint is '/' or '\\' || char.IsControl((char)Math.Min(codePoint, 0xFFFF)))
                {
                    continue;
                }

                builder.Append(char.ConvertFromUtf32(codePoint));
            }

            string segment = builder.ToString();
            if (segment is "." or ".." || Encoding.UTF8.GetByteCount(segment) > StorageKey.MaxSegmentBytes)
            {
                continue;
            }

            string name = KeyEncoder.Encode(segment, out bool isLong);
            Assert.True(isLong || KeyEncoder.TryDecode(name) == segment, $"'{segment}' did not round-trip through '{name}'.");
        }
    }
}
