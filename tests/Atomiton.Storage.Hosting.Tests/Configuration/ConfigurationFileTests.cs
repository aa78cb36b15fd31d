using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Configuration;

public sealed class ConfigurationFileTests
{
    [Fact]
    public void Missing_file_is_an_error_naming_the_resolved_path()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("nope.json");

        var error = Assert.Throws<StorageException>(() => StorageHost.Load(file));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal($"The configuration file '{file}' (resolved to '{file}') does not exist. Create it (see docs/plugins-json.md) or pass the right path.", error.Message);
    }

    [Fact]
    public void Malformed_json_is_an_error_naming_the_file()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("plugins.json");
        File.WriteAllText(file, """{ "pipelines": { "p": """);

        var error = Assert.Throws<StorageException>(() => StorageHost.Load(file));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.StartsWith($"The configuration file '{file}' is not valid JSON at line 1, column ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_located_by_line_and_column_with_what_was_expected()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("plugins.json");
        File.WriteAllText(file, "{\n  \"defaultPipeline\": \"local\"\n  \"pipelines\": {}\n}\n");

        var error = Assert.Throws<StorageException>(() => StorageConfigurationFile.Load(file, "plugins.json"));

        Assert.StartsWith("The configuration file 'plugins.json' is not valid JSON at line 3, column 3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected either ',', '}', or ']'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Could not parse", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "$")]
    [InlineData("pipelines:local:chain:0", "$.pipelines.local.chain[0]")]
    [InlineData("stages:my disk:options:baseDir", "$.stages['my disk'].options.baseDir")]
    public void Configuration_paths_become_json_paths(string configurationPath, string expected)
    {
        Assert.Equal(expected, JsonPath.FromConfigurationPath(configurationPath));
    }
}
