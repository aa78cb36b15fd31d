using Atomiton.Storage.Hosting.Options;
using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Options;

public sealed class SecretReferenceTests
{
    [Theory]
    [InlineData("env:", "the reference 'env:' names no environment variable. Write env:VARIABLE_NAME.")]
    [InlineData("file:", "the reference 'file:' names no file. Write file:PATH.")]
    [InlineData("ENV:NAME", "'key' is a secret and must be a reference, not a literal value: write \"env:VARIABLE_NAME\" to read it from an environment variable, or \"file:PATH\" to read it from a file (relative to the configuration file's folder).")]
    [InlineData(null, "'key' is a secret and must be a reference, not a literal value: write \"env:VARIABLE_NAME\" to read it from an environment variable, or \"file:PATH\" to read it from a file (relative to the configuration file's folder).")]
    public void Malformed_references_are_refused_and_are_not_mistaken_for_missing_secrets(string? reference, string expected)
    {
        var (value, problem, isMissing) = SecretReference.Resolve(reference, "key", Path.GetTempPath());

        Assert.Null(value);
        Assert.Equal(expected, problem);
        Assert.False(isMissing);
    }

    [Fact]
    public void File_reference_reads_an_absolute_path_and_drops_the_trailing_newline_only()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("key.txt");
        File.WriteAllText(file, "  spaced key  \r\n");

        var (value, problem, _) = SecretReference.Resolve("file:" + file, "key", "/somewhere/else");

        Assert.Null(problem);
        Assert.Equal("  spaced key  ", value);
    }
}
