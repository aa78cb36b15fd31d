using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>A real Atomiton Cloud server on 127.0.0.1 (port 0) over a memory engine, with its own key file and upload folder.</summary>
public sealed class CloudTestServer : IAsyncDisposable
{
    private readonly string _directory;
    private int _tenantCounter;

    private CloudTestServer(string directory, CloudServerOptions options, MemoryEngine engine, IStorageEngine served, RunningCloudServer server)
    {
        _directory = directory;
        Options = options;
        Engine = engine;
        Served = served;
        Server = server;
    }

    public CloudServerOptions Options { get; }

    public MemoryEngine Engine { get; }

    /// <summary>What the server serves: <see cref="Engine"/>, or the wrapper around it given to <see cref="StartAsync"/>.</summary>
    public IStorageEngine Served { get; }

    public RunningCloudServer Server { get; private set; }

    public ApiKeyStore Keys => Options.Keys!;

    public Uri Endpoint => Server.Endpoint;

    public static async Task<CloudTestServer> StartAsync(Action<CloudServerOptions>? configure = null, MemoryEngine? engine = null, Func<IStorageEngine, IStorageEngine>? serve = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "atomiton-cloud-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var options = new CloudServerOptions
        {
            Keys = new ApiKeyStore(Path.Combine(directory, "keys.json")),
            UploadDirectory = Path.Combine(directory, "uploads"),
            RateLimitPermits = null,
        };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        configure?.Invoke(options);
        engine ??= new MemoryEngine();
        var served = serve?.Invoke(engine) ?? engine;
        var server = await CloudServer.StartAsync(served, options);
        return new CloudTestServer(directory, options, engine, served, server);
    }

    /// <summary>A key for a fresh tenant of its own (<c>t&lt;n&gt;/</c>), so each caller starts with an empty store.</summary>
    public CreatedApiKey CreateTenantKey(ApiKeyPermissions permissions = ApiKeyPermissions.Read | ApiKeyPermissions.Write, string? tenant = null) =>
        Keys.Create(tenant ?? $"t{Interlocked.Increment(ref _tenantCounter)}/", permissions, "tests");

    /// <summary>Connects the <c>cloud</c> plugin, as the host would, with <paramref name="apiKey"/>.</summary>
    public async ValueTask<IStorageEngine> ConnectAsync(string apiKey, Action<CloudOptions>? configure = null)
    {
        var options = new CloudOptions { Endpoint = Endpoint.ToString(), ApiKey = apiKey, ChunkSize = 256 * 1024, RetryDelay = TimeSpan.FromMilliseconds(50) };
        configure?.Invoke(options);
        return await new CloudProvider().CreateAsync(options, new StorageProviderContext { PipelineName = "tests", StageName = "cloud" });
    }

    /// <summary>Connects the plugin's engine through <paramref name="handler"/> (to cut connections) and <paramref name="logger"/>, on <paramref name="time"/>'s clock.</summary>
    public async ValueTask<CloudEngine> ConnectThroughAsync(string apiKey, HttpMessageHandler? handler, IStorageLogger? logger = null, Action<CloudOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new CloudOptions { Endpoint = Endpoint.ToString(), ApiKey = apiKey, ChunkSize = 256 * 1024, RetryDelay = TimeSpan.FromMilliseconds(50) };
        configure?.Invoke(options);
        var context = new StorageProviderContext { PipelineName = "tests", StageName = "cloud", Logger = logger ?? NullStorageLogger.Instance, TimeProvider = time ?? TimeProvider.System };
        return await CloudEngine.ConnectAsync(options, context, handler, CancellationToken.None);
    }

    /// <summary>A plain HTTP client for the server, optionally with a bearer key.</summary>
    public HttpClient RawClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Endpoint };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + apiKey);
        }

        return client;
    }

    /// <summary>Stops the server (cutting requests in flight) without starting it again.</summary>
    public async Task StopAsync()
    {
        using var immediately = new CancellationTokenSource();
        await immediately.CancelAsync();
        await Server.StopAsync(immediately.Token);
        await Server.DisposeAsync();
    }

    /// <summary>Starts the server again on the same port, over the same engine, keys and upload folder.</summary>
    public async Task RestartAsync(Uri endpoint)
    {
        Options.Urls.Clear();
        Options.Urls.Add(endpoint.GetLeftPart(UriPartial.Authority));
        Server = await CloudServer.StartAsync(Served, Options);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
