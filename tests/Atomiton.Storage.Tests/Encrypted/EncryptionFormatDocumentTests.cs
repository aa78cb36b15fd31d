using System.Text;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedFormatVectors;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The test vectors of docs/encryption-format.md are what the engine writes and reads.</summary>
public sealed class EncryptionFormatDocumentTests
{
    private static readonly Lazy<Dictionary<string, string>> Vectors = new(ReadVectors);

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Small_vectors_match_what_the_engine_writes(string name)
    {
        var plaintext = Encoding.UTF8.GetBytes(Vectors.Value[name + ".plaintext"]);

        var stored = Seal("k1", Vectors.Value[name + ".objectKey"], plaintext);

        Assert.Equal(Vectors.Value[name + ".stored"], Convert.ToHexStringLower(stored));
    }

    [Fact]
    public void The_two_segment_vector_matches_what_the_engine_writes()
    {
        var stored = Seal("k1", "big.bin", Counting(65537));

        Assert.Equal(long.Parse(Vectors.Value["v3.storedLength"], System.Globalization.CultureInfo.InvariantCulture), stored.Length);
        Assert.Equal(Vectors.Value["v3.storedSha256"], Sha256Hex(stored));
    }

    [Fact]
    public async Task The_engine_reads_a_stored_vector_back()
    {
        var inner = new MemoryEngine();
        await inner.SaveAsync("docs/hello.txt", Convert.FromHexString(Vectors.Value["v1.stored"]));
        await using var engine = await EncryptedTestEngines.WithKeyAsync(inner, Convert.ToBase64String(Key), keyId: "k1");

        Assert.Equal("Hello, Atomiton!"u8.ToArray(), await engine.LoadBytesAsync("docs/hello.txt"));
    }

    [Fact]
    public void Key_check_and_name_vectors_match()
    {
        using var names = new KeyNameCipher(Key);

        Assert.Equal(Vectors.Value["keyCheck"], Convert.ToHexStringLower(new EncryptionKey("k1", Key).KeyCheck));
        Assert.Equal(Vectors.Value["name1.stored"], names.EncryptKey(Vectors.Value["name1.plaintext"]));
        Assert.Equal(Vectors.Value["name2.stored"], names.EncryptKey(Vectors.Value["name2.plaintext"]));
        Assert.Equal("flows/a.json", names.DecryptKey(Vectors.Value["name1.stored"]));
    }

    private static Dictionary<string, string> ReadVectors()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "encryption-format.md")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, "docs", "encryption-format.md"));
        int start = text.IndexOf("```vectors", StringComparison.Ordinal);
        int end = text.IndexOf("```", start + 3, StringComparison.Ordinal);
        return text[(start + "```vectors".Length)..end]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
    }
}
