using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Npgsql;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: <c>initdb</c> into a temp folder, <c>pg_ctl start</c>
/// on a free loopback port with its Unix socket in that folder, trust authentication (loopback only),
/// stopped and removed at the end. PostgreSQL refuses to run as root, so as root the cluster runs as the
/// <c>postgres</c> user (its folder is handed to that user). When the binaries are missing,
/// <see cref="Unavailable"/> says so with the install command and the tests skip.
/// fsync is off: the cluster is thrown away, and a clean restart (<see cref="RestartAsync"/>) still
/// writes everything committed.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string InstallCommand = "bash .ci/setup.d/30-postgresql.sh (apt-get update && apt-get install -y postgresql)";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "atomiton-postgres-" + Guid.NewGuid().ToString("N"));
    private string _bin = "";
    private bool _asPostgresUser;
    private int _databases;

    /// <summary>Why there is no cluster (with the install command), or null when it runs.</summary>
    public string? Unavailable { get; private set; }

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The connection string of the cluster's <c>postgres</c> database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    public static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out int v) ? v : 0)
                .FirstOrDefault()
            : null;

    public async Task InitializeAsync()
    {
        if (!OperatingSystem.IsLinux() || FindBinaries() is not { } bin)
        {
            Unavailable = $"PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin); install it with {InstallCommand}.";
            return;
        }

        _bin = bin;
        _asPostgresUser = Environment.UserName == "root";
        Directory.CreateDirectory(_root);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", _root], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"], asPostgres: true);
        Port = FreePort();
        await StartAsync();
    }

    /// <summary>A fresh, empty database of its own.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>Stops the cluster (fast shutdown: connections are cut, commits are kept).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "180", "stop"], asPostgres: true);

    /// <summary>Starts the cluster again on the same port and waits until it accepts connections.</summary>
    public Task StartAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"),
        ["-D", DataDirectory, "-l", Path.Combine(_root, "postgres.log"), "-w", "-t", "180",
         "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", "start"], asPostgres: true);

    public async Task DisposeAsync()
    {
        if (Unavailable is null && Directory.Exists(DataDirectory))
        {
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], asPostgres: true);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres && _asPostgresUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        if (asPostgres && _asPostgresUser)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The tests that share one PostgreSQL cluster (and one Azurite for the replicas).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>, ICollectionFixture<AzuriteFixture>
{
    public const string Name = "postgres";
}
