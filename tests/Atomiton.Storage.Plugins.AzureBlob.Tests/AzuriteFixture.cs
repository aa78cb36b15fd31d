using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Atomiton.Storage.Plugins.AzureBlob;
using Atomiton.Storage.Providers;
using Azure.Core.Pipeline;

namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>
/// One Azurite blob service for the test run: started on a free loopback port with an in-memory store
/// (<c>azurite-blob --inMemoryPersistence --extentMemoryLimit 1024 --skipApiVersionCheck --loose</c>), waited for by its
/// "listening" line (no sleeps), and killed at the end. When <c>azurite-blob</c> is not installed,
/// <see cref="Unavailable"/> says so and how to install it, and the tests that need it skip.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (published in Azurite's documentation; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's well-known key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The command that installs Azurite, for skip reasons.</summary>
    public const string InstallCommand = "bash .ci/setup.d/40-azurite.sh (npm install -g azurite@3)";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private Process? _process;
    private readonly string _workspace = Path.Combine(Path.GetTempPath(), "atomiton-azurite", Guid.NewGuid().ToString("N"));

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
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_BLOB") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public async Task InitializeAsync()
    {
        var executable = FindExecutable();
        if (executable is null)
        {
            Unavailable = $"azurite-blob is not installed (npm package 'azurite' 3.x); install it with {InstallCommand}.";
            return;
        }

        Directory.CreateDirectory(_workspace);
        Port = FreePort();
        ServiceUrl = $"http://127.0.0.1:{Port}/{AccountName}";
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry", "--extentMemoryLimit", "1024" })
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains("successfully listen", StringComparison.OrdinalIgnoreCase))
            {
                listening.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"azurite-blob exited before listening: {string.Join(" | ", output)}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await listening.Task.WaitAsync(StartTimeout);
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop what was started here.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(StartTimeout);
            }

            process.Dispose();
        }

        if (Directory.Exists(_workspace))
        {
            Directory.Delete(_workspace, recursive: true);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The tests that share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
