using System.Globalization;
using System.Runtime.InteropServices;
using Atomiton.Storage.Cloud.Benchmarks;
using Atomiton.Storage.Cloud.Scale.Tests;
using Atomiton.Storage.Plugins.AzureBlob.Tests;

// Usage: [clients = 32] [operations per client = 1000] [Markdown file to write]
//    or: scale [clients = 32] [operations per client = 500] [Markdown file to write]
//    or: changes [largest key count = 100000] [changes = 10] [Markdown file to write]
if (args.Length > 0 && args[0] == "changes")
{
    int largest = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    int changeCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
    using var changesTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
    await ChangeFeedRun.RunAsync(1000, changeCount, 5, 2, changesTimeout.Token); // warm-up: JIT and connections
    var runs = new List<ChangeFeedRun.Result>();
    foreach (var count in new[] { largest / 100, largest / 10, largest }.Where(c => c > 0).Distinct())
    {
        runs.Add(await ChangeFeedRun.RunAsync(count, changeCount, feedRepeats: 51, listRepeats: 5, changesTimeout.Token));
        Console.WriteLine($"{count} keys seeded through the server in {runs[^1].SeedSeconds:0.0} s");
    }

    var changesReport = $"""
        Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.
        Command: `dotnet run -c Release --project tests/Atomiton.Storage.Cloud.Benchmarks -- changes {largest} {changeCount} changes-benchmark.md`

        {ChangeFeedRun.ToMarkdown(runs)}
        """;
    Console.WriteLine(changesReport);
    if (args.Length > 3)
    {
        await File.WriteAllTextAsync(args[3], changesReport.ReplaceLineEndings("\n"));
    }

    return 0;
}

if (args.Length > 0 && args[0] == "scale")
{
    int scaleClients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
    int scaleOperations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
    using var scaleTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
    string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
    var postgres = new PostgresFixture();
    var azurite = new AzuriteFixture();
    await postgres.InitializeAsync();
    await azurite.InitializeAsync();
    try
    {
        if ((postgres.Unavailable ?? azurite.Unavailable) is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 2;
        }

        var rows = new List<string>();
        var details = new List<string>();
        async Task MeasureAsync(string name, Func<int, int, Task<CloudLoadResult>> run, bool checksWrites = true)
        {
            await run(Math.Min(scaleClients, 4), 50); // warm-up: JIT, connections, pools
            var result = await run(scaleClients, scaleOperations);
            rows.Add(result.ToSummaryRow(name, checksWrites));
            details.Add($"{name}:\n\n{result.ToMarkdown()}");
            Console.WriteLine(rows[^1]);
        }

        async Task ProbeAsync(CloudTarget target) =>
            details.Add($"{target.Name}, alone:\n\n{OperationProbe.ToMarkdown(await OperationProbe.RunAsync(target, scaleTimeout.Token))}");

        await MeasureAsync("floor: raw Kestrel, same request sizes, no storage", (c, o) => FloorRun.RunAsync(c, o, scaleTimeout.Token), checksWrites: false);
        await using (var files = await CloudTarget.FilesAsync(scaleTimeout.Token))
        {
            await MeasureAsync(files.Name, (c, o) => CloudLoadRun.RunAsync(files, c, o, scaleTimeout.Token));
            await ProbeAsync(files);
        }

        foreach (int replicas in new[] { 1, 3 })
        {
            await using var target = await CloudTarget.ReplicatedAsync(postgres, azurite, replicas, scaleTimeout.Token);
            await MeasureAsync(target.Name, (c, o) => CloudLoadRun.RunAsync(target, c, o, scaleTimeout.Token));
            if (replicas == 1)
            {
                await ProbeAsync(target);
            }
        }

        string loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        var scaleReport = $"""
            Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.
            Command: `dotnet run -c Release --project tests/Atomiton.Storage.Cloud.Benchmarks -- scale {scaleClients} {scaleOperations} scale-benchmark.md`
            Load average before: {loadBefore}; after: {loadAfter}.

            | target | operations | seconds | ops/s | p50 (ms) | p99 (ms) | errors | lost writes |
            |---|---:|---:|---:|---:|---:|---:|---:|
            {string.Join("\n", rows)}

            Per operation:

            {string.Join("\n", details)}
            """;
        Console.WriteLine(scaleReport);
        if (args.Length > 3)
        {
            await File.WriteAllTextAsync(args[3], scaleReport.ReplaceLineEndings("\n"));
        }

        return 0;
    }
    finally
    {
        await azurite.DisposeAsync();
        await postgres.DisposeAsync();
    }
}

int clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
int operations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));

// A short warm-up so JIT and connection set-up are not measured.
await CloudLoadRun.RunAsync(Math.Min(clients, 4), 50, timeout.Token);
var result = await CloudLoadRun.RunAsync(clients, operations, timeout.Token);
var report = $"""
    # Atomiton Cloud load benchmark

    Loopback only: one in-process server (Kestrel, `cloud` API v1) over a memory engine, and {clients} `cloud`
    plugin engines in the same process, each a separate API key and tenant, each doing {operations} seeded
    mixed operations on 64 keys of its own (45% save of 1 KiB, 35% load, 10% stat, 5% list, 5% delete),
    checking every load against its own model; afterwards every key is compared with the model
    (lost writes). Server and clients share the machine's cores, so these are end-to-end figures of the
    whole stack, not of the server alone.

    Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.
    Command: `dotnet run -c Release --project tests/Atomiton.Storage.Cloud.Benchmarks -- {clients} {operations} cloud-benchmark.md` (then copy the table into docs/benchmarks.md)

    {result.ToMarkdown()}
    """;
Console.WriteLine(report);
if (args.Length > 2)
{
    await File.WriteAllTextAsync(args[2], report.ReplaceLineEndings("\n"));
}

return result.Errors == 0 && result.LostWrites == 0 ? 0 : 1;
