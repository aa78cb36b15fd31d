using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Atomiton.Storage.Plugins.AzureBlob.Benchmarks;

/// <summary>An in-memory Azurite blob service on a free loopback port, for one benchmark run (waits for its "listening" line; killed on dispose).</summary>
internal sealed class AzuriteProcess : IDisposable
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (published in its documentation; not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, int port)
    {
        _process = process;
        ServiceUrl = $"http://127.0.0.1:{port}/{AccountName}";
    }

    public string ServiceUrl { get; }

    public static AzuriteProcess Start()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("AZURITE_BLOB") ?? "azurite-blob")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--extentMemoryLimit", "2048", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("azurite-blob did not start; install it with bash .ci/setup.d/40-azurite.sh.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.Contains("successfully listen", StringComparison.OrdinalIgnoreCase))
            {
                process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return new AzuriteProcess(process, port);
            }

            if (DateTime.UtcNow > deadline)
            {
                break;
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("azurite-blob exited or did not listen within two minutes.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
