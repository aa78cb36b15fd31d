using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Atomiton.Storage.TestSupport;

/// <summary>
/// Azurite's blob service (Microsoft's Azure Storage emulator, npm package <c>azurite</c> 3.x) on a
/// free loopback port with an in-memory store, waited for by its "listening" line (no sleeps) and
/// killed on dispose. Installed by <c>.ci/setup.d/40-azurite.sh</c>; when <c>azurite-blob</c> is
/// missing (<c>AZURITE_BLOB</c> or PATH), <see cref="StartAsync"/> returns null and the caller skips
/// with <see cref="Missing"/>. One source file, compiled into each test and benchmark project that
/// starts Azurite (tests/Shared).
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account (published in its documentation; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's well-known key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The command that installs Azurite.</summary>
    public const string InstallCommand = "bash .ci/setup.d/40-azurite.sh (npm install -g azurite@3)";

    /// <summary>A skip reason for a machine without Azurite.</summary>
    public const string Missing = "azurite-blob is not installed (npm package 'azurite' 3.x); install it with " + InstallCommand + ".";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly string _workspace;

    private AzuriteProcess(Process process, string workspace, int port)
    {
        _process = process;
        _workspace = workspace;
        Port = port;
    }

    /// <summary>The loopback port the blob service listens on.</summary>
    public int Port { get; }

    /// <summary>The blob service URL of the development account, such as <c>http://127.0.0.1:41234/devstoreaccount1</c>.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{AccountName}";

    /// <summary>The path of <c>azurite-blob</c>: <c>AZURITE_BLOB</c> when set, else the first on PATH; null when neither.</summary>
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_BLOB") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Starts Azurite and waits until it listens; null when it is not installed.</summary>
    /// <param name="extentMemoryLimitMiB">Azurite's in-memory content limit (its default is half the machine's memory).</param>
    /// <exception cref="InvalidOperationException">Azurite exited before it listened (its output is in the message).</exception>
    /// <exception cref="TimeoutException">It did not listen within two minutes.</exception>
    public static async Task<AzuriteProcess?> StartAsync(int? extentMemoryLimitMiB = null)
    {
        if (FindExecutable() is not { } executable)
        {
            return null;
        }

        string workspace = Path.Combine(Path.GetTempPath(), "atomiton-azurite", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo(executable) { WorkingDirectory = workspace, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        if (extentMemoryLimitMiB is { } limit)
        {
            start.ArgumentList.Add("--extentMemoryLimit");
            start.ArgumentList.Add(limit.ToString(CultureInfo.InvariantCulture));
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
                if (e.Data.Contains("successfully listen", StringComparison.OrdinalIgnoreCase))
                {
                    listening.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"azurite-blob exited before listening: {string.Join(" | ", output)}"));
        var azurite = new AzuriteProcess(process, workspace, port);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await listening.Task.WaitAsync(StartTimeout);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills Azurite (its store is in memory) and removes its working folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(StartTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        if (Directory.Exists(_workspace))
        {
            Directory.Delete(_workspace, recursive: true);
        }
    }
}
