using Atomiton.Storage.Plugins.AzureBlob;
using Atomiton.Storage.Providers;
using Atomiton.Storage.TestSupport;
using Azure.Core.Pipeline;

namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>
/// One Azurite blob service for the test run (<see cref="AzuriteProcess"/>, with a 1 GiB in-memory
/// content limit), killed at the end. When <c>azurite-blob</c> is not installed,
/// <see cref="Unavailable"/> says so and how to install it, and the tests that need it skip.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (published in Azurite's documentation; not a secret).</summary>
    public const string AccountName = AzuriteProcess.AccountName;

    /// <summary>The development account's well-known key.</summary>
    public const string AccountKey = AzuriteProcess.AccountKey;

    /// <summary>The command that installs Azurite, for skip reasons.</summary>
    public const string InstallCommand = AzuriteProcess.InstallCommand;

    private AzuriteProcess? _process;

    /// <summary>Why Azurite is not running (with the install command), or null when it is.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The blob service URL of the development account, such as <c>http://127.0.0.1:41234/devstoreaccount1</c>.</summary>
    public string ServiceUrl { get; private set; } = "";

    /// <summary>The loopback port Azurite listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string for the development account on this Azurite.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={ServiceUrl};";

    /// <summary>The path of <c>azurite-blob</c>: <c>AZURITE_BLOB</c> when set, else the first on PATH.</summary>
    public static string? FindExecutable() => AzuriteProcess.FindExecutable();

    public async Task InitializeAsync()
    {
        _process = await AzuriteProcess.StartAsync(extentMemoryLimitMiB: 1024);
        if (_process is null)
        {
            Unavailable = AzuriteProcess.Missing;
            return;
        }

        Port = _process.Port;
        ServiceUrl = _process.ServiceUrl;
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>Options for a container of this Azurite (account key by default).</summary>
    public AzureBlobOptions Options(string container, bool createContainer = true, int blockSize = 256 * 1024) => new()
    {
        Container = container,
        ServiceUrl = ServiceUrl,
        AccountKey = AccountKey,
        CreateContainer = createContainer,
        BlockSize = blockSize,
        MaxRetries = 2,
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>A fresh container name.</summary>
    public static string NewContainer(string prefix = "t") => prefix + Guid.NewGuid().ToString("N");

    /// <summary>Connects an engine to a container of this Azurite (creating it).</summary>
    public ValueTask<AzureBlobEngine> ConnectAsync(AzureBlobOptions options, HttpPipelineTransport? transport = null) =>
        AzureBlobEngine.ConnectAsync(options, new StorageProviderContext { PipelineName = "tests", StageName = "azure" }, transport, CancellationToken.None);

}

/// <summary>The tests that share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
