using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Atomiton.Storage.Plugins.AzureBlob.Tests;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// The documented replicated layout run as processes: <c>cloud keys create</c> into the database,
/// two <c>serve --database</c> processes over one azureblob pipeline, one of them SIGKILLed, and
/// <c>cloud keys revoke</c> seen by the survivor.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class ServeProcessTests(PostgresFixture postgres, AzuriteFixture azurite) : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("atomiton-serve-").FullName;
    private readonly List<Process> _servers = [];

    [SkippableFact]
    public async Task Two_serve_processes_on_one_database_share_keys_and_objects_and_survive_one_being_killed()
    {
        Skip.If(postgres.Unavailable is not null, postgres.Unavailable);
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var hostAssembly = Metadata("AtomitonHostAssembly");
        Assert.True(File.Exists(hostAssembly), $"The host is not built at {hostAssembly}; build this test project (it builds the host).");
        var database = await postgres.CreateDatabaseAsync();
        var config = WritePluginsJson(AzuriteFixture.NewContainer("serve"));

        // The connection string from the environment, as docs/cloud-deploy.md shows.
        var created = await RunAsync(hostAssembly, database, "cloud", "keys", "create", "--tenant", "acme/");
        Assert.True(created.ExitCode == 0, created.Text);
        var key = created.Output.Trim();
        Assert.StartsWith("atm_", key, StringComparison.Ordinal);
        Assert.DoesNotContain("Host=", created.Text, StringComparison.Ordinal);

        var first = await StartServeAsync(hostAssembly, database, config);
        var second = await StartServeAsync(hostAssembly, database, config);
        using var toFirst = Client(first, key);
        using var toSecond = Client(second, key);
        Assert.Equal(HttpStatusCode.OK, (await toFirst.PutAsync("v1/objects/a.txt", new ByteArrayContent("one"u8.ToArray()))).StatusCode);
        Assert.Equal("one"u8.ToArray(), await toSecond.GetByteArrayAsync("v1/objects/a.txt"));
        var race = await toSecond.SendAsync(new HttpRequestMessage(HttpMethod.Put, "v1/objects/a.txt") { Content = new ByteArrayContent("two"u8.ToArray()), Headers = { { "If-None-Match", "*" } } });
        Assert.Equal(HttpStatusCode.PreconditionFailed, race.StatusCode);

        _servers[0].Kill(entireProcessTree: true);
        await _servers[0].WaitForExitAsync().WaitAsync(ProcessTimeout);
        Assert.Equal("one"u8.ToArray(), await toSecond.GetByteArrayAsync("v1/objects/a.txt"));

        var listed = await RunAsync(hostAssembly, database, "cloud", "keys", "list", "--json");
        Assert.True(listed.ExitCode == 0, listed.Text);
        var id = JsonDocument.Parse(listed.Output).RootElement[0].GetProperty("id").GetString()!;
        var revoked = await RunAsync(hostAssembly, database, "cloud", "keys", "revoke", id);
        Assert.True(revoked.ExitCode == 0, revoked.Text);
        Assert.Equal(HttpStatusCode.Unauthorized, (await toSecond.GetAsync("v1/objects/a.txt")).StatusCode);
    }

    [SkippableFact]
    public async Task Serve_refuses_keys_and_database_together_and_an_unreachable_database_says_so()
    {
        Skip.If(postgres.Unavailable is not null, postgres.Unavailable);
        var hostAssembly = Metadata("AtomitonHostAssembly");
        var both = await RunAsync(hostAssembly, null, "cloud", "keys", "list", "--keys", "k.json", "--database", "Host=127.0.0.1;Port=1;Username=x");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Text, StringComparison.Ordinal);

        var unreachable = await RunAsync(hostAssembly, null, "cloud", "keys", "list", "--database", "Host=127.0.0.1;Port=1;Username=x;Password=hunter2;Timeout=5");
        Assert.Equal(75, unreachable.ExitCode);
        Assert.Contains("cannot be reached", unreachable.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", unreachable.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Cloud_quota_commands_set_show_and_remove_the_quota_serve_enforces()
    {
        Skip.If(postgres.Unavailable is not null, postgres.Unavailable);
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var hostAssembly = Metadata("AtomitonHostAssembly");
        var database = await postgres.CreateDatabaseAsync();
        var key = (await RunAsync(hostAssembly, database, "cloud", "keys", "create", "--tenant", "acme/")).Output.Trim();

        // Refusals first: each says what to give, and changes nothing.
        var none = await RunAsync(hostAssembly, database, "cloud", "quota", "set", "--tenant", "acme/");
        Assert.True(none.ExitCode == 2 && none.Text.Contains("--max-bytes, --max-items or both", StringComparison.Ordinal), none.Text);
        var badSize = await RunAsync(hostAssembly, database, "cloud", "quota", "set", "--tenant", "acme/", "--max-bytes", "1.5GB");
        Assert.True(badSize.ExitCode == 2 && badSize.Text.Contains("--max-bytes '1.5GB' is not a size", StringComparison.Ordinal), badSize.Text);
        var badTenant = await RunAsync(hostAssembly, database, "cloud", "quota", "set", "--tenant", "acme", "--max-items", "1");
        Assert.True(badTenant.ExitCode == 2 && badTenant.Text.Contains("--tenant", StringComparison.Ordinal), badTenant.Text);
        var noDatabase = await RunAsync(hostAssembly, null, "cloud", "quota", "show");
        Assert.True(noDatabase.ExitCode == 2 && noDatabase.Text.Contains("give --database", StringComparison.Ordinal), noDatabase.Text);
        var missing = await RunAsync(hostAssembly, database, "cloud", "quota", "show", "--tenant", "acme/");
        Assert.True(missing.ExitCode == 3, missing.Text);

        var set = await RunAsync(hostAssembly, database, "cloud", "quota", "set", "--tenant", "acme/", "--max-bytes", "1KiB", "--max-items", "5");
        Assert.True(set.ExitCode == 0, set.Text);
        Assert.Contains("acme/", set.Output, StringComparison.Ordinal);
        Assert.Contains("1024", set.Output, StringComparison.Ordinal);

        var server = await StartServeAsync(hostAssembly, database, WritePluginsJson(AzuriteFixture.NewContainer("quota")));
        using var client = Client(server, key);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("v1/objects/a.bin", new ByteArrayContent(new byte[600]))).StatusCode);
        var refused = await client.PutAsync("v1/objects/b.bin", new ByteArrayContent(new byte[600]));
        Assert.Equal((HttpStatusCode)507, refused.StatusCode);

        var shown = await RunAsync(hostAssembly, database, "--json", "cloud", "quota", "show");
        Assert.True(shown.ExitCode == 0, shown.Text);
        var quota = Assert.Single(JsonDocument.Parse(shown.Output).RootElement.EnumerateArray());
        Assert.Equal(("acme/", 1024, 5, 600, 1), (quota.GetProperty("tenant").GetString(), quota.GetProperty("maxBytes").GetInt64(), quota.GetProperty("maxItems").GetInt64(), quota.GetProperty("usedBytes").GetInt64(), quota.GetProperty("usedItems").GetInt64()));
        Assert.DoesNotContain("Host=", shown.Text, StringComparison.Ordinal);

        var removed = await RunAsync(hostAssembly, database, "cloud", "quota", "remove", "--tenant", "acme/");
        Assert.True(removed.ExitCode == 0, removed.Text);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("v1/objects/b.bin", new ByteArrayContent(new byte[600]))).StatusCode);
        var again = await RunAsync(hostAssembly, database, "cloud", "quota", "remove", "--tenant", "acme/");
        Assert.True(again.ExitCode == 3 && again.Text.Contains("has no quota", StringComparison.Ordinal), again.Text);
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(ProcessTimeout);
            }

            server.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private static HttpClient Client(Uri endpoint, string key)
    {
        var client = new HttpClient { BaseAddress = endpoint };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        return client;
    }

    private string WritePluginsJson(string container)
    {
        var json = $$"""
        {
          "pluginDirectories": [{{JsonSerializer.Serialize(Metadata("AtomitonPlugins"))}}],
          "stages": {
            "blob": { "type": "azureblob", "options": { "container": "{{container}}", "serviceUrl": "{{azurite.ServiceUrl}}", "accountKey": "env:TEST_AZURE_KEY", "createContainer": true } }
          },
          "pipelines": { "objects": { "chain": ["blob"] } }
        }
        """;
        string file = Path.Combine(_folder, "plugins.json");
        File.WriteAllText(file, json);
        return file;
    }

    private ProcessStartInfo StartInfo(string hostAssembly, string? database, IEnumerable<string> arguments)
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
        start.Environment["TEST_AZURE_KEY"] = AzuriteFixture.AccountKey;
        if (database is not null)
        {
            start.Environment["ATOMITON_CLOUD_DATABASE"] = database;
        }

        return start;
    }

    /// <summary>Starts 'serve --json' and reads its first line (the addresses it bound).</summary>
    private async Task<Uri> StartServeAsync(string hostAssembly, string database, string config)
    {
        var process = Process.Start(StartInfo(hostAssembly, database, ["--config", config, "--pipeline", "objects", "--json", "serve", "--urls", "http://127.0.0.1:0"]))!;
        _servers.Add(process);
        _ = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(ProcessTimeout);
        var line = await process.StandardOutput.ReadLineAsync(guard.Token)
            ?? throw new InvalidOperationException($"serve exited ({(process.HasExited ? process.ExitCode : -1)}) before printing its addresses.");
        var url = JsonDocument.Parse(line).RootElement.GetProperty("urls")[0].GetString()!;
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    private async Task<(int ExitCode, string Output, string Text)> RunAsync(string hostAssembly, string? database, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(hostAssembly, database, arguments))!;
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
        typeof(ServeProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value!;
}
