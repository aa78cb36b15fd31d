using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Atomiton.Storage.Hosting;

namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>
/// The <c>azureblob</c> plugin as operators use it: discovered in its plugin folder, loaded in its own load
/// context and built from a <c>plugins.json</c> stage whose account key is a secret reference — through the
/// hosting library, and through the <c>atomiton-storage</c> CLI run as a process (put, get, ls).
/// </summary>
[Collection(AzuriteCollectionDefinition.Name)]
public sealed class PluginsJsonTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(5);
    private readonly string _folder = Directory.CreateTempSubdirectory("atomiton-azureblob-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public async Task Azureblob_stage_builds_from_plugins_json_with_the_key_from_an_environment_variable()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        string variable = "ATOMITON_AZURE_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, AzuriteFixture.AccountKey);
        try
        {
            string container = AzuriteFixture.NewContainer("hosted");
            using var host = StorageHost.Load(WritePluginsJson(container, $"env:{variable}"));
            Assert.Empty(host.Validate());

            await using var engine = await host.BuildPipelineAsync("azure");
            await engine.SaveAsync("flows/flow-123.json", "{\"id\":123}"u8.ToArray(), new SaveOptions { ContentType = "application/json" });

            Assert.Equal("{\"id\":123}"u8.ToArray(), await engine.LoadBytesAsync("flows/flow-123.json"));
            var info = await engine.GetInfoAsync();
            Assert.Equal("azureblob", info.EngineType);
            Assert.Equal(container, info.Details["container"]);
            Assert.DoesNotContain(AzuriteFixture.AccountKey, JsonSerializer.Serialize(info.Details), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [SkippableFact]
    public async Task Literal_account_key_in_plugins_json_is_refused_naming_the_option()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        using var host = StorageHost.Load(WritePluginsJson(AzuriteFixture.NewContainer(), AzuriteFixture.AccountKey));

        var problems = host.Validate();

        Assert.NotEmpty(problems);
        var text = string.Join("\n", problems);
        Assert.Contains("accountKey", text, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Cli_puts_gets_and_lists_on_an_azureblob_pipeline()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        string hostAssembly = Metadata("AtomitonHostAssembly");
        Assert.True(File.Exists(hostAssembly), $"The host is not built at {hostAssembly}; build this test project (it builds the host).");
        string keyFile = Path.Combine(_folder, "azure.key");
        await File.WriteAllTextAsync(keyFile, AzuriteFixture.AccountKey);
        string config = WritePluginsJson(AzuriteFixture.NewContainer("cli"), $"file:{keyFile}");
        await File.WriteAllTextAsync(Path.Combine(_folder, "note.txt"), "hello azure");

        var put = await RunAsync(hostAssembly, "--config", config, "--pipeline", "azure", "put", "notes/a.txt", "note.txt");
        var get = await RunAsync(hostAssembly, "--config", config, "--pipeline", "azure", "get", "notes/a.txt", "copy.txt");
        var ls = await RunAsync(hostAssembly, "--config", config, "--pipeline", "azure", "ls", "--recursive");

        Assert.True(put.ExitCode == 0, put.Text);
        Assert.Contains("put notes/a.txt: 11 B", put.Output, StringComparison.Ordinal);
        Assert.True(get.ExitCode == 0, get.Text);
        Assert.Equal("hello azure", await File.ReadAllTextAsync(Path.Combine(_folder, "copy.txt")));
        Assert.True(ls.ExitCode == 0, ls.Text);
        Assert.Equal(["notes/a.txt"], ls.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain(AzuriteFixture.AccountKey, put.Text + get.Text + ls.Text, StringComparison.Ordinal);
    }

    private string WritePluginsJson(string container, string accountKey)
    {
        var json = $$"""
        {
          "pluginDirectories": [{{JsonSerializer.Serialize(Metadata("AtomitonPlugins"))}}],
          "stages": {
            "blob": { "type": "azureblob", "options": { "container": "{{container}}", "serviceUrl": "{{azurite.ServiceUrl}}", "accountKey": {{JsonSerializer.Serialize(accountKey)}}, "createContainer": true } }
          },
          "pipelines": { "azure": { "chain": ["blob"] } }
        }
        """;
        string file = Path.Combine(_folder, "plugins.json");
        File.WriteAllText(file, json);
        return file;
    }

    private async Task<(int ExitCode, string Output, string Text)> RunAsync(string hostAssembly, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = _folder;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(_folder, ".config");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"atomiton-storage {string.Join(' ', arguments)} did not finish within {ProcessTimeout} (a hang guard).");
        }

        string stdout = await output;
        return (process.ExitCode, stdout, $"exit {process.ExitCode}\nstdout: {stdout}\nstderr: {await error}");
    }

    private static string Metadata(string name) =>
        typeof(PluginsJsonTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value!;
}
