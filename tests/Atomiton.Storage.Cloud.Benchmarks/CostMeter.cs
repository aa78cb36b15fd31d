using System.Diagnostics.Metrics;
using System.Globalization;

namespace Atomiton.Storage.Cloud.Benchmarks;

/// <summary>
/// What a stretch of load cost, counted where it happened: PostgreSQL operations sent by Npgsql (its
/// <c>db.client.operation.duration</c> meter: one per command or batch, a commit not included) and
/// their summed time, HTTP requests sent to the blob service (System.Net.Http's
/// <c>http.client.request.duration</c>, by the server port) and their summed time, and the CPU time
/// of this process (clients and servers), of the PostgreSQL cluster (postmaster and backends) and of
/// Azurite. Everything runs on this machine, so the CPU split says which component the cores were
/// spent in. Not thread-safe to start twice at once; one meter per measured stretch.
/// </summary>
public sealed class CostMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly int? _blobPort;
    private readonly int? _postgresPort;
    private readonly (double Self, double Postgres, double Blob) _cpuAtStart;
    private long _databaseOperations;
    private double _databaseMilliseconds;
    private long _blobRequests;
    private double _blobMilliseconds;

    private CostMeter(int? postgresPort, int? blobPort)
    {
        _postgresPort = postgresPort;
        _blobPort = blobPort;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "db.client.operation.duration" && instrument.Meter.Name == "Npgsql"
                || instrument.Name is "http.client.request.duration" && instrument.Meter.Name == "System.Net.Http")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
        _cpuAtStart = Cpu();
    }

    /// <summary>Starts counting; <paramref name="postgresPort"/> and <paramref name="blobPort"/> are null when the target has no such service.</summary>
    public static CostMeter Start(int? postgresPort, int? blobPort) => new(postgresPort, blobPort);

    /// <summary>Stops counting and returns the costs divided by <paramref name="operations"/>.</summary>
    public Cost Stop(long operations)
    {
        var cpu = Cpu();
        _listener.Dispose();
        double per = Math.Max(operations, 1);
        return new Cost(
            Interlocked.Read(ref _databaseOperations) / per,
            Volatile.Read(ref _databaseMilliseconds) / per,
            Interlocked.Read(ref _blobRequests) / per,
            Volatile.Read(ref _blobMilliseconds) / per,
            (cpu.Self - _cpuAtStart.Self) * 1000 / per,
            (cpu.Postgres - _cpuAtStart.Postgres) * 1000 / per,
            (cpu.Blob - _cpuAtStart.Blob) * 1000 / per);
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Meter.Name == "Npgsql")
        {
            Interlocked.Increment(ref _databaseOperations);
            Add(ref _databaseMilliseconds, seconds * 1000);
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == "server.port" && tag.Value is int port && port == _blobPort)
            {
                Interlocked.Increment(ref _blobRequests);
                Add(ref _blobMilliseconds, seconds * 1000);
                return;
            }
        }
    }

    private static void Add(ref double total, double value)
    {
        double seen, sum;
        do
        {
            seen = Volatile.Read(ref total);
            sum = seen + value;
        }
        while (Interlocked.CompareExchange(ref total, sum, seen) != seen);
    }

    /// <summary>CPU seconds so far of this process, of the PostgreSQL cluster on the port and of the Azurite on the port.</summary>
    private (double Self, double Postgres, double Blob) Cpu()
    {
        double self = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        if (!OperatingSystem.IsLinux())
        {
            return (self, 0, 0);
        }

        var processes = new List<(int Pid, int Parent, string CommandLine, double Seconds)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

                // After the command: state, ppid, ..., utime (12th), stime (13th), cutime, cstime (clock ticks; 100 per second on Linux).
                double ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)
                    + double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture);
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                processes.Add((pid, int.Parse(fields[1], CultureInfo.InvariantCulture), commandLine, ticks / 100));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while being read.
            }
        }

        double postgres = 0, blob = 0;
        if (_postgresPort is { } postgresPort && processes.FirstOrDefault(p => p.CommandLine.Contains($"-p {postgresPort} ", StringComparison.Ordinal) && p.CommandLine.Contains("postgres", StringComparison.Ordinal)) is { Pid: > 0 } postmaster)
        {
            postgres = postmaster.Seconds + processes.Where(p => p.Parent == postmaster.Pid).Sum(p => p.Seconds);
        }

        if (_blobPort is { } blobPort)
        {
            blob = processes.Where(p => p.CommandLine.Contains("--blobPort " + blobPort.ToString(CultureInfo.InvariantCulture) + " ", StringComparison.Ordinal)).Sum(p => p.Seconds);
        }

        return (self, postgres, blob);
    }

    /// <summary>Costs per operation.</summary>
    public sealed record Cost(double DatabaseOperations, double DatabaseMilliseconds, double BlobRequests, double BlobMilliseconds, double CpuSelfMilliseconds, double CpuPostgresMilliseconds, double CpuBlobMilliseconds);
}
