using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

/// <summary><c>rotate-keys</c> re-encrypts objects written under an older key with the active key.</summary>
public sealed class RotateKeysCommandTests : IDisposable
{
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Objects_written_under_the_old_key_are_re_encrypted_and_then_readable_without_it()
    {
        File.WriteAllText(_sandbox.PathOf("old.key"), OldKey);
        File.WriteAllText(_sandbox.PathOf("new.key"), NewKey);
        WriteConfiguration("""{ "key": "file:old.key", "keyId": "k1" }""");
        foreach (var name in new[] { "a.txt", "b/c.txt", "b/d.txt" })
        {
            Assert.Equal(0, (await _sandbox.RunWithInputAsync("content of "u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(name)).ToArray(), "put", name, "-")).ExitCode);
        }

        WriteConfiguration("""{ "key": "file:new.key", "keyId": "k2", "previousKeys": "file:previous.keys" }""");
        File.WriteAllText(_sandbox.PathOf("previous.keys"), "k1=" + OldKey);
        var rotated = await _sandbox.RunAsync("rotate-keys");
        var again = await _sandbox.RunAsync("rotate-keys");

        Assert.Equal(0, rotated.ExitCode);
        Assert.Contains("examined 3, re-encrypted 3", rotated.Output, StringComparison.Ordinal);
        Assert.Contains("examined 3, re-encrypted 0, already under the active key 3", again.Output, StringComparison.Ordinal);

        // The old key is no longer needed: every object reads with the new key alone.
        WriteConfiguration("""{ "key": "file:new.key", "keyId": "k2" }""");
        var get = await _sandbox.RunAsync("get", "b/c.txt");
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("content of b/c.txt", get.Output);
    }

    [Fact]
    public async Task A_pipeline_without_an_encrypted_stage_is_a_configuration_error()
    {
        WriteConfiguration("""{ "key": "file:missing.key" }""");

        var result = await _sandbox.RunAsync("--pipeline", "plain", "rotate-keys");

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("Pipeline 'plain' has no encrypted stage", result.Error, StringComparison.Ordinal);
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
