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

    [Fact]
    public void Environment_reference_to_an_unset_or_empty_variable_is_a_missing_secret_naming_the_variable()
    {
        string variable = "ATOMITON_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        var (value, problem, isMissing) = SecretReference.Resolve("env:" + variable, "key", Path.GetTempPath());

        Assert.Null(value);
        Assert.Equal($"the environment variable '{variable}' is not set. Set it, or reference a file with file:PATH.", problem);
        Assert.True(isMissing);
    }

    [Fact]
    public void File_reference_resolves_relative_to_the_base_directory()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("secrets"));
        File.WriteAllText(temp.Combine("secrets", "key.txt"), "s3cret\n\n");

        var (value, problem, isMissing) = SecretReference.Resolve("file:secrets/key.txt", "key", temp.Path);

        Assert.Null(problem);
        Assert.False(isMissing);
        Assert.Equal("s3cret", value);
    }

    [Fact]
    public void File_reference_to_a_folder_is_refused_naming_the_resolved_path()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("secrets"));

        var (value, problem, isMissing) = SecretReference.Resolve("file:secrets", "key", temp.Path);

        Assert.Null(value);
        Assert.Equal($"the secret file 'secrets' (resolved to '{temp.Combine("secrets")}') is a folder. Reference the file inside it that holds the secret.", problem);
        Assert.False(isMissing);
    }

    [Fact]
    public void File_reference_to_a_file_that_cannot_be_read_says_so_without_its_content()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // A Unix domain socket stands for the unreadable file: it cannot be opened, even by root.
        }

        using var temp = new TempDirectory();
        using var socket = HostileFiles.BindSocket(temp.Combine("key.sock"));

        var (value, problem, isMissing) = SecretReference.Resolve("file:key.sock", "key", temp.Path);

        Assert.Null(value);
        Assert.Equal($"the secret file 'key.sock' (resolved to '{temp.Combine("key.sock")}') could not be read (IOException). Check its permissions.", problem);
        Assert.True(isMissing);
    }
}
