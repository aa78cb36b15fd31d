using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary><c>rotate-keys</c> in the test process: text, JSON and verbose output, and a pipeline without an encrypted stage.</summary>
public sealed class RotateKeysInProcessTests : IDisposable
{
    private static readonly string OldKey = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    private static readonly string NewKey = Convert.ToBase64String([.. Enumerable.Range(101, 32).Select(i => (byte)i)]);

    private readonly Sandbox _sandbox = new();

    public RotateKeysInProcessTests()
    {
        File.WriteAllText(_sandbox.PathOf("old.key"), OldKey);
        File.WriteAllText(_sandbox.PathOf("new.key"), NewKey);
        File.WriteAllText(_sandbox.PathOf("previous.keys"), "k1=" + OldKey);
    }

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Rotation_re_encrypts_old_objects_once_and_reports_each_step_with_verbose()
    {
        await WriteUnderOldKeyAsync("a.txt", "b/c.txt", "b/d.txt");
        WriteConfiguration("""{ "key": "file:new.key", "keyId": "k2", "previousKeys": "file:previous.keys" }""");

        var rotated = await _sandbox.Cli.RunAsync("rotate-keys", "--verbose");
        var again = await _sandbox.Cli.RunAsync("rotate-keys", "--json");

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Equal("pipeline 'secure': examined 3, re-encrypted 3, already under the active key 0, skipped 0 (rewritten by someone else meanwhile, so already under the active key)", rotated.Output.TrimEnd());
        Assert.Equal(["examined 1, rotated 1", "examined 2, rotated 2", "examined 3, rotated 3"], rotated.ErrorLines);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("", again.Error);
        var json = again.Json();
        Assert.Equal("secure", json.GetProperty("pipeline").GetString());
        var result = json.GetProperty("result");
        Assert.Equal(3, result.GetProperty("examined").GetInt64());
        Assert.Equal(0, result.GetProperty("rotated").GetInt64());
        Assert.Equal(3, result.GetProperty("alreadyCurrent").GetInt64());
        Assert.Equal(0, result.GetProperty("skipped").GetInt64());

        // The old key is no longer needed.
        WriteConfiguration("""{ "key": "file:new.key", "keyId": "k2" }""");
        var get = await _sandbox.Cli.RunAsync("get", "b/c.txt");
        Assert.Equal("content of b/c.txt", get.StandardOutputText);
    }

    [Fact]
    public async Task A_pipeline_without_an_encrypted_stage_exits_6()
    {
        WriteConfiguration("""{ "key": "file:new.key" }""");

        var result = await _sandbox.Cli.RunAsync("rotate-keys", "-p", "plain");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal("error: Pipeline 'plain' has no encrypted stage, so there are no keys to rotate. Name a pipeline whose chain holds an 'encrypted' stage with --pipeline.", result.Error.TrimEnd());
    }

    [Fact]
    public async Task An_object_no_key_in_the_ring_can_read_fails_the_rotation_as_an_authentication_error()
    {
        await WriteUnderOldKeyAsync("a.txt");
        WriteConfiguration("""{ "key": "file:new.key", "keyId": "k2" }""");

        var result = await _sandbox.Cli.RunAsync("rotate-keys", "--json");

        Assert.Equal(5, result.ExitCode);
        var error = result.ErrorJson().GetProperty("error");
        Assert.Equal("AuthenticationFailed", error.GetProperty("kind").GetString());
        Assert.Equal("a.txt", error.GetProperty("key").GetString());
        Assert.StartsWith("The encrypted object under key 'a.txt' ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    private async Task WriteUnderOldKeyAsync(params string[] keys)
    {
        WriteConfiguration("""{ "key": "file:old.key", "keyId": "k1" }""");
        foreach (var key in keys)
        {
            var put = await _sandbox.Cli.RunWithInputAsync(System.Text.Encoding.UTF8.GetBytes("content of " + key), "put", key);
            Assert.True(put.ExitCode == 0, put.ToString());
        }
    }

    private void WriteConfiguration(string vaultOptions) => File.WriteAllText(_sandbox.ConfigurationFile, $$"""
        {
          "pluginDirectories": [{{Sandbox.PluginDirectoryJson}}],
          "defaultPipeline": "secure",
          "stages": {
            "disk": { "type": "filesystem", "options": { "baseDir": "data" } },
            "vault": { "type": "encrypted", "options": {{vaultOptions}} }
          },
          "pipelines": {
            "secure": { "chain": ["cached", "vault", "disk"] },
            "plain": { "chain": ["disk"] }
          }
        }
        """);
}
