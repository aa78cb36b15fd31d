using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// Replicas as the replicated layout of docs/cloud-deploy.md runs them: separate <c>serve --database</c>
/// processes (the built host) over one azureblob pipeline on Azurite and one PostgreSQL database, so a
/// replica can be lost the way a machine is lost (<see cref="Kill"/> sends SIGKILL: no shutdown, no
/// drained requests, its database sessions cut by the kernel closing its sockets).
/// </summary>
public sealed class ServeReplicas : IAsyncDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("atomiton-replicas-").FullName;
    private readonly List<(Process Process, Uri Endpoint)> _servers = [];
    private readonly string _hostAssembly;
    private readonly string _config;

    private ServeReplicas(string connectionString, string container, CloudDatabase admin, string hostAssembly, string serviceUrl)
    {
        ConnectionString = connectionString;
        Container = container;
        Admin = admin;
        _hostAssembly = hostAssembly;
        _config = Path.Combine(_folder, "plugins.json");
        File.WriteAllText(_config, $$"""
            {
              "pluginDirectories": [{{JsonSerializer.Serialize(Metadata("AtomitonPlugins"))}}],
              "stages": {
                "blob": { "type": "azureblob", "options": { "container": "{{container}}", "serviceUrl": "{{serviceUrl}}", "accountKey": "env:TEST_AZURE_KEY", "createContainer": true } }
              },
              "pipelines": { "objects": { "chain": ["blob"] } }
            }
            """);
    }

    public string ConnectionString { get; }

    public string Container { get; }

    /// <summary>The operator's own database handle (keys).</summary>
    public CloudDatabase Admin { get; }

    public IReadOnlyList<Uri> Endpoints => [.. _servers.Select(s => s.Endpoint)];

    public static async Task<ServeReplicas> StartAsync(PostgresFixture postgres, AzuriteFixture azurite, int count)
    {
        Skip.If(postgres.Unavailable is not null, postgres.Unavailable);
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var hostAssembly = Metadata("AtomitonHostAssembly");
        Assert.True(File.Exists(hostAssembly), $"The host is not built at {hostAssembly}; build this test project (it builds the host).");
        var connectionString = await postgres.CreateDatabaseAsync();
        var set = new ServeReplicas(connectionString, AzuriteFixture.NewContainer("load"), await CloudDatabase.OpenAsync(connectionString), hostAssembly, azurite.ServiceUrl.ToString());
        try
        {
            // The first one alone: it applies the schema and creates the container.
            await set.StartOneAsync();
            await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => set.StartOneAsync()));
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }

        return set;
    }

    public Task<CreatedApiKey> CreateKeyAsync(string tenant) =>
        Admin.CreateKeyAsync(tenant, ApiKeyPermissions.Read | ApiKeyPermissions.Write, "load tests");

    /// <summary>Starts one more <c>serve</c> process and returns its endpoint once it has bound it.</summary>
    public async Task<Uri> StartOneAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { _hostAssembly, "--config", _config, "--pipeline", "objects", "--json", "serve", "--urls", "http://127.0.0.1:0", "--rate-limit", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = _folder;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(_folder, ".config");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["TEST_AZURE_KEY"] = AzuriteFixture.AccountKey;
        start.Environment["ATOMITON_CLOUD_DATABASE"] = ConnectionString;
        var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(ProcessTimeout);
        var line = await process.StandardOutput.ReadLineAsync(guard.Token);
        if (line is null)
        {
            await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
            throw new InvalidOperationException($"serve exited ({process.ExitCode}) before printing its addresses: {await error}");
        }

        // Keep reading its output so a full pipe never blocks it.
        _ = process.StandardOutput.ReadToEndAsync();
        var url = JsonDocument.Parse(line).RootElement.GetProperty("urls")[0].GetString()!;
        var endpoint = new Uri(url.EndsWith('/') ? url : url + "/");
        lock (_servers)
        {
            _servers.Add((process, endpoint));
        }

        return endpoint;
    }

    /// <summary>SIGKILLs replica <paramref name="index"/> (no shutdown of any kind) and waits until it is gone.</summary>
    public void Kill(int index)
    {
        var process = _servers[index].Process;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(ProcessTimeout);
        Assert.True(process.HasExited, $"replica {index} did not exit within {ProcessTimeout} of SIGKILL.");
    }

    /// <summary>
    /// The <c>cloud</c> plugin with replica <paramref name="first"/> as its endpoint and every other
    /// replica as a failover target.
    /// </summary>
    public async Task<IStorageEngine> ConnectAsync(int first, string apiKey)
    {
        var options = new CloudOptions { Endpoint = _servers[first].Endpoint.ToString(), ApiKey = apiKey, RetryDelay = TimeSpan.FromMilliseconds(100) };
        foreach (var other in _servers.Where((_, i) => i != first))
        {
            options.Replicas.Add(other.Endpoint.ToString());
        }

        return await new CloudProvider().CreateAsync(options, new StorageProviderContext { PipelineName = "load", StageName = "cloud" });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _servers)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
            }

            process.Dispose();
        }

        await Admin.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Metadata(string name) =>
        typeof(ServeReplicas).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value!;
}
